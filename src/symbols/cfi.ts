// Call frame information from .debug_frame and .eh_frame: CIEs, FDEs, and the CFA program run to a given pc.
import { ByteReader } from './bytes';
import { SymbolError } from './errors';

export type Rule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  | { kind: 'offset'; offset: number }
  | { kind: 'valOffset'; offset: number }
  | { kind: 'register'; reg: number }
  | { kind: 'expression'; expr: Uint8Array }
  | { kind: 'valExpression'; expr: Uint8Array };

export type CfaRule = { kind: 'regOffset'; reg: number; offset: number } | { kind: 'expression'; expr: Uint8Array };

export interface FrameRow {
  cfa: CfaRule;
  rules: Map<number, Rule>;
  returnColumn: number;
  signalFrame: boolean;
}

interface Cie {
  codeAlign: number;
  dataAlign: number;
  returnColumn: number;
  initial: Uint8Array;
  pointerEncoding: number;
  signalFrame: boolean;
  addressSize: number;
  hasAugmentationData: boolean;
}
interface Fde {
  lo: bigint;
  hi: bigint;
  cie: Cie;
  program: Uint8Array;
}

const DW_EH_PE_absptr = 0x00,
  DW_EH_PE_omit = 0xff;

/** All FDEs of one ELF, sorted by start address; .debug_frame entries win over .eh_frame ones for the same code. */
export class CallFrameInfo {
  private readonly fdes: Fde[] = [];
  readonly damage: string[] = [];

  constructor(
    debugFrame: Uint8Array | undefined,
    ehFrame: { data: Uint8Array; addr: bigint } | undefined,
    readonly addressSize: number,
  ) {
    if (debugFrame && debugFrame.length) this.parse(debugFrame, false, 0n);
    if (ehFrame && ehFrame.data.length) this.parse(ehFrame.data, true, ehFrame.addr);
    this.fdes.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  }

  get size(): number {
    return this.fdes.length;
  }

  private parse(data: Uint8Array, eh: boolean, sectionAddr: bigint): void {
    const name = eh ? '.eh_frame' : '.debug_frame';
    const cies = new Map<number, Cie>();
    const r = new ByteReader(data, 0, data.length, name);
    try {
      while (r.pos + 4 <= r.end) {
        const start = r.pos;
        const { end, is64 } = r.unitLength();
        if (end === start + 4 && eh) break; // zero terminator
        const idPos = r.pos;
        const id = is64 ? r.u64() : BigInt(r.u32());
        const isCie = eh ? id === 0n : id === (is64 ? 0xffffffffffffffffn : 0xffffffffn);
        if (isCie) cies.set(start, this.readCie(r, end, eh));
        else {
          const ciePos = eh ? idPos - Number(id) : Number(id);
          let cie = cies.get(ciePos);
          if (!cie) {
            const save = r.pos;
            const cr = new ByteReader(data, ciePos, data.length, name);
            const ce = cr.unitLength();
            cr.offset(ce.is64);
            cie = this.readCie(cr, ce.end, eh);
            cies.set(ciePos, cie);
            r.pos = save;
          }
          const enc = eh ? cie.pointerEncoding : DW_EH_PE_absptr;
          const lo = readEncoded(r, enc, sectionAddr, cie.addressSize);
          const len = readEncoded(r, enc & 0x0f, sectionAddr, cie.addressSize);
          if (eh && cie.hasAugmentationData) {
            const n = r.uleb();
            r.skip(n);
          }
          if (r.pos > end) r.fail('FDE header past its end');
          this.fdes.push({ lo, hi: lo + len, cie, program: data.subarray(r.pos, end) });
        }
        r.seek(end);
      }
    } catch (e) {
      if (!(e instanceof SymbolError)) throw e;
      this.damage.push(e.message);
    }
  }

  private readCie(r: ByteReader, end: number, eh: boolean): Cie {
    const version = r.u8();
    if (version !== 1 && version !== 3 && version !== 4) r.fail(`unsupported CIE version ${version}`);
    const aug = r.cstr();
    let addressSize = this.addressSize;
    if (version === 4) {
      addressSize = r.u8();
      r.u8();
    }
    const codeAlign = r.uleb();
    const dataAlign = r.sleb();
    const returnColumn = version === 1 ? r.u8() : r.uleb();
    let pointerEncoding = DW_EH_PE_absptr,
      signalFrame = false,
      hasAugmentationData = false;
    if (aug.startsWith('z')) {
      hasAugmentationData = true;
      const n = r.uleb();
      const augEnd = r.pos + n;
      for (const c of aug.slice(1)) {
        if (c === 'R') pointerEncoding = r.u8();
        else if (c === 'P') {
          const e = r.u8();
          readEncoded(r, e & 0x7f, 0n, addressSize);
        } else if (c === 'L') r.u8();
        else if (c === 'S') signalFrame = true;
        else break;
      }
      r.seek(augEnd);
    } else if (aug.includes('S')) signalFrame = true;
    else if (aug !== '' && eh) r.fail(`unknown augmentation "${aug}"`);
    if (r.pos > end) r.fail('CIE header past its end');
    return {
      codeAlign,
      dataAlign,
      returnColumn,
      initial: r.bytes.subarray(r.pos, end),
      pointerEncoding,
      signalFrame,
      addressSize,
      hasAugmentationData,
    };
  }

  /** The unwind row that applies at pc, or undefined when no FDE covers it. */
  rowAt(pc: bigint): FrameRow | undefined {
    const list = this.fdes;
    let lo = 0,
      hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].lo <= pc) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && i >= lo - 4; i--) {
      const f = list[i];
      if (pc >= f.lo && pc < f.hi) return this.execute(f, pc);
    }
    return undefined;
  }

  private execute(fde: Fde, pc: bigint): FrameRow {
    const cie = fde.cie;
    const row: FrameRow = {
      cfa: { kind: 'regOffset', reg: 2, offset: 0 },
      rules: new Map(),
      returnColumn: cie.returnColumn,
      signalFrame: cie.signalFrame,
    };
    runProgram(cie.initial, cie, row, undefined, fde.lo, pc, cie.addressSize);
    const initialRules = new Map(row.rules);
    runProgram(fde.program, cie, row, initialRules, fde.lo, pc, cie.addressSize);
    return row;
  }
}

/** Runs CFA instructions until the location passes pc. `initial` is the CIE's row, for DW_CFA_restore. */
function runProgram(
  prog: Uint8Array,
  cie: Cie,
  row: FrameRow,
  initial: Map<number, Rule> | undefined,
  start: bigint,
  pc: bigint,
  addressSize: number,
): void {
  const r = new ByteReader(prog, 0, prog.length, 'CFA program');
  let loc = start;
  const saved: { cfa: CfaRule; rules: Map<number, Rule> }[] = [];
  const restore = (reg: number) => {
    const rule = initial?.get(reg);
    if (rule) row.rules.set(reg, rule);
    else row.rules.delete(reg);
  };
  const block = () => {
    const n = r.uleb();
    const p = r.pos;
    r.skip(n);
    return prog.subarray(p, p + n);
  };
  let steps = 0;
  while (r.pos < r.end) {
    if (++steps > 100000) r.fail('CFA program too long');
    const op = r.u8();
    const high = op & 0xc0,
      low = op & 0x3f;
    if (high === 0x40) {
      loc += BigInt(low * cie.codeAlign);
      if (loc > pc) return;
      continue;
    } // advance_loc
    if (high === 0x80) {
      row.rules.set(low, { kind: 'offset', offset: r.uleb() * cie.dataAlign });
      continue;
    } // offset
    if (high === 0xc0) {
      restore(low);
      continue;
    } // restore
    switch (op) {
      case 0x00:
        break; // nop
      case 0x01:
        loc = r.uint(addressSize);
        if (loc > pc) return;
        break; // set_loc
      case 0x02:
        loc += BigInt(r.u8() * cie.codeAlign);
        if (loc > pc) return;
        break;
      case 0x03:
        loc += BigInt(r.u16() * cie.codeAlign);
        if (loc > pc) return;
        break;
      case 0x04:
        loc += BigInt(r.u32() * cie.codeAlign);
        if (loc > pc) return;
        break;
      case 0x05: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'offset', offset: r.uleb() * cie.dataAlign });
        break;
      }
      case 0x06:
        restore(r.uleb());
        break; // restore_extended
      case 0x07:
        row.rules.set(r.uleb(), { kind: 'undefined' });
        break;
      case 0x08:
        row.rules.set(r.uleb(), { kind: 'same' });
        break;
      case 0x09: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'register', reg: r.uleb() });
        break;
      }
      case 0x0a:
        if (saved.length > 64) r.fail('remember_state too deep');
        saved.push({ cfa: { ...row.cfa }, rules: new Map(row.rules) });
        break;
      case 0x0b: {
        const s = saved.pop();
        if (s) {
          row.cfa = s.cfa;
          row.rules = s.rules;
        }
        break;
      }
      case 0x0c: {
        const reg = r.uleb();
        row.cfa = { kind: 'regOffset', reg, offset: r.uleb() };
        break;
      }
      case 0x0d: {
        const reg = r.uleb();
        row.cfa = { kind: 'regOffset', reg, offset: row.cfa.kind === 'regOffset' ? row.cfa.offset : 0 };
        break;
      }
      case 0x0e: {
        const off = r.uleb();
        row.cfa = { kind: 'regOffset', reg: row.cfa.kind === 'regOffset' ? row.cfa.reg : 2, offset: off };
        break;
      }
      case 0x0f:
        row.cfa = { kind: 'expression', expr: block() };
        break;
      case 0x10: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'expression', expr: block() });
        break;
      }
      case 0x11: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'offset', offset: r.sleb() * cie.dataAlign });
        break;
      }
      case 0x12: {
        const reg = r.uleb();
        row.cfa = { kind: 'regOffset', reg, offset: r.sleb() * cie.dataAlign };
        break;
      }
      case 0x13: {
        const off = r.sleb() * cie.dataAlign;
        row.cfa = { kind: 'regOffset', reg: row.cfa.kind === 'regOffset' ? row.cfa.reg : 2, offset: off };
        break;
      }
      case 0x14: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'valOffset', offset: r.uleb() * cie.dataAlign });
        break;
      }
      case 0x15: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'valOffset', offset: r.sleb() * cie.dataAlign });
        break;
      }
      case 0x16: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'valExpression', expr: block() });
        break;
      }
      case 0x2e:
        r.uleb();
        break; // GNU_args_size
      case 0x2f: {
        const reg = r.uleb();
        row.rules.set(reg, { kind: 'offset', offset: -r.uleb() * cie.dataAlign });
        break;
      }
      default:
        r.fail(`unknown CFA instruction 0x${op.toString(16)}`);
    }
  }
}

/** Reads a pointer in an .eh_frame DW_EH_PE encoding. Only pc-relative and absolute applications occur in ELFs. */
function readEncoded(r: ByteReader, enc: number, sectionAddr: bigint, addressSize: number): bigint {
  if (enc === DW_EH_PE_omit) return 0n;
  const pos = r.pos;
  let v: bigint;
  switch (enc & 0x0f) {
    case 0x00:
      v = r.uint(addressSize);
      break;
    case 0x01:
      v = r.ulebBig();
      break;
    case 0x02:
      v = BigInt(r.u16());
      break;
    case 0x03:
      v = BigInt(r.u32());
      break;
    case 0x04:
      v = r.u64();
      break;
    case 0x09:
      v = r.slebBig();
      break;
    case 0x0a:
      v = BigInt(r.i16());
      break;
    case 0x0b:
      v = BigInt(r.i32());
      break;
    case 0x0c:
      v = r.i64();
      break;
    default:
      return r.fail(`unsupported pointer encoding 0x${enc.toString(16)}`);
  }
  if ((enc & 0x70) === 0x10) v += sectionAddr + BigInt(pos); // pcrel
  return BigInt.asUintN(addressSize * 8, v);
}
