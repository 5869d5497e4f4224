// Walks a hart's stack: CFI from .debug_frame/.eh_frame, a frame-pointer fallback where CFI is missing, and inlined calls as frames.
import { CallFrameInfo, FrameRow } from './cfi';
import { evaluateValue, Unavailable } from './expr';
import { SymbolError } from './errors';
import { ScopeLink } from './functions';
import type { MemoryReader, RegisterReader } from './index';
import { LoadedDebugInfo } from './load';

export interface Frame {
  /** 0 for the innermost frame; inlined calls get their own numbers, as in gdb. */
  index: number;
  /** The frame's pc: for callers, the return address. */
  pc: bigint;
  cfa?: bigint;
  function?: string;
  file?: string;
  line?: number;
  column?: number;
  /** normal: a real call frame; inline: an inlined call inside the next outer frame; trap: a trap entry (signal frame). */
  kind: 'normal' | 'inline' | 'trap';
  inlined: boolean;
  /** Registers as they were in this frame; undefined for registers the unwinder cannot recover. */
  regs: RegisterReader;
  /** @internal what variable lookup needs. */
  scope?: FrameScope;
}

export interface FrameScope {
  link: ScopeLink;
  /** The pc used for lookups: pc - 1 in frames that made a call, so the call's own line and scope are found. */
  lookupPc: bigint;
  physical: PhysicalFrame;
}

export interface PhysicalFrame {
  pc: bigint;
  lookupPc: bigint;
  regs: RegisterReader;
  cfa?: bigint;
  caller?: PhysicalFrame;
}

const RA = 1,
  SP = 2,
  FP = 8;

export function unwindStack(
  info: LoadedDebugInfo,
  cfi: CallFrameInfo,
  pc: bigint,
  regs: RegisterReader,
  mem: MemoryReader,
  maxFrames = 256,
  pastMain = false,
): Frame[] {
  const frames: Frame[] = [];
  const readWord = (addr: bigint): bigint | undefined => {
    const b = mem(addr, 8);
    if (!b || b.length < 8) return undefined;
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  };
  let cur: PhysicalFrame | undefined = { pc, lookupPc: pc, regs };
  const first = cur;
  const code = info.elf.sections.filter((s) => (s.flags & 4n) !== 0n && s.size > 0);
  const isCode = (a: bigint) => code.some((s) => a >= s.addr && a < s.addr + BigInt(s.size));
  for (let guard = 0; cur && frames.length < maxFrames && guard < maxFrames; guard++) {
    let row = rowAt(cfi, cur.lookupPc);
    // A trap entry (a signal frame in CFI terms) was entered without a call, so its own pc is looked up as is.
    if (row?.signalFrame && cur.lookupPc !== cur.pc) {
      cur.lookupPc = cur.pc;
      row = rowAt(cfi, cur.pc);
    }
    cur.cfa = row ? cfaOf(row, cur, mem) : cur.regs(FP);
    let chain: ScopeLink[] = [];
    try {
      chain = info.functions.chainAt(cur.lookupPc);
    } catch (e) {
      if (!(e instanceof SymbolError)) throw e;
    }
    const line = info.lines.at(cur.lookupPc);
    if (row?.signalFrame) {
      frames.push({
        index: frames.length,
        pc: cur.pc,
        cfa: cur.cfa,
        function: info.symtab.at(cur.lookupPc)?.name,
        file: line?.file,
        line: line?.line,
        column: line?.column,
        kind: 'trap',
        inlined: false,
        regs: cur.regs,
      });
    } else if (chain.length === 0) {
      frames.push({
        index: frames.length,
        pc: cur.pc,
        cfa: cur.cfa,
        function: info.symtab.at(cur.lookupPc)?.name,
        file: line?.file,
        line: line?.line,
        column: line?.column,
        kind: 'normal',
        inlined: false,
        regs: cur.regs,
      });
    } else {
      let file = line?.file,
        lineNo = line?.line,
        column = line?.column;
      for (const link of chain) {
        if (frames.length >= maxFrames) break;
        frames.push({
          index: frames.length,
          pc: cur.pc,
          cfa: cur.cfa,
          function: link.name,
          file,
          line: lineNo,
          column,
          kind: link.inlined ? 'inline' : 'normal',
          inlined: link.inlined,
          regs: cur.regs,
          scope: { link, lookupPc: cur.lookupPc, physical: cur },
        });
        file = link.callFile;
        lineNo = link.callLine;
        column = link.callColumn;
      }
      if (!pastMain && chain[chain.length - 1].name === 'main') break;
    }
    const next = callerOf(cur, row, readWord, mem, cur === first, isCode);
    if (!next) break;
    // Stop on a frame that does not move up the stack: corrupt CFI or a loop would otherwise repeat forever.
    const sp = next.regs(SP);
    const curSp = cur.regs(SP);
    if (sp !== undefined && curSp !== undefined && sp < curSp) break;
    if (sp !== undefined && curSp !== undefined && sp === curSp && next.pc === cur.pc) break;
    // The frame that was interrupted by a trap resumes at exactly its pc; a caller resumes after a call.
    next.lookupPc = row?.signalFrame ? next.pc : next.pc - 1n;
    cur.caller = next;
    cur = next;
  }
  return frames;
}

function rowAt(cfi: CallFrameInfo, pc: bigint): FrameRow | undefined {
  try {
    return cfi.rowAt(pc);
  } catch (e) {
    if (!(e instanceof SymbolError)) throw e;
    return undefined;
  }
}

function cfaOf(row: FrameRow, f: PhysicalFrame, mem: MemoryReader): bigint | undefined {
  if (row.cfa.kind === 'regOffset') {
    const base = f.regs(row.cfa.reg);
    return base === undefined ? undefined : BigInt.asUintN(64, base + BigInt(row.cfa.offset));
  }
  try {
    return evaluateValue(row.cfa.expr, { addressSize: 8, regs: f.regs, mem });
  } catch (e) {
    if (e instanceof Unavailable || e instanceof SymbolError) return undefined;
    throw e;
  }
}

function callerOf(
  f: PhysicalFrame,
  row: FrameRow | undefined,
  readWord: (a: bigint) => bigint | undefined,
  mem: MemoryReader,
  innermost: boolean,
  isCode: (a: bigint) => boolean,
): PhysicalFrame | undefined {
  const cfa = f.cfa;
  if (cfa === undefined) return undefined;
  if (!row) {
    // No CFI: assume GCC's RISC-V frame-pointer layout: fp is the caller's sp, ra is saved at fp-8 and the caller's
    // fp at fp-16. A leaf function saves only fp (at fp-8) and keeps ra in its register, which only the innermost
    // frame can still have.
    const fp = f.regs(FP);
    if (fp === undefined || fp === 0n || (fp & 7n) !== 0n) return undefined;
    let ra = readWord(fp - 8n);
    let callerFp = readWord(fp - 16n);
    if (innermost && (ra === undefined || !isCode(ra))) {
      ra = f.regs(RA);
      callerFp = readWord(fp - 8n);
    }
    if (ra === undefined || ra === 0n || !isCode(ra)) return undefined;
    const inner = f.regs;
    const regs: RegisterReader = (n) => (n === SP ? fp : n === FP ? callerFp : n === RA ? ra : inner(n));
    return { pc: ra, lookupPc: ra - 1n, regs };
  }
  const computed = new Map<number, bigint | undefined>();
  const inner = f.regs;
  const valueOf = (reg: number): bigint | undefined => {
    const rule = row.rules.get(reg);
    if (!rule) return reg === SP ? cfa : inner(reg);
    switch (rule.kind) {
      case 'undefined':
        return undefined;
      case 'same':
        return inner(reg);
      case 'offset':
        return readWord(BigInt.asUintN(64, cfa + BigInt(rule.offset)));
      case 'valOffset':
        return BigInt.asUintN(64, cfa + BigInt(rule.offset));
      case 'register':
        return inner(rule.reg);
      case 'expression':
      case 'valExpression': {
        try {
          const v = evaluateValue(rule.expr, { addressSize: 8, regs: inner, mem, initial: [cfa] });
          return rule.kind === 'expression' ? readWord(v) : v;
        } catch (e) {
          if (e instanceof Unavailable || e instanceof SymbolError) return undefined;
          throw e;
        }
      }
    }
  };
  const regs: RegisterReader = (n) => {
    if (!computed.has(n)) computed.set(n, valueOf(n));
    return computed.get(n);
  };
  const ret = regs(row.returnColumn);
  if (ret === undefined || ret === 0n) return undefined;
  // The return column is often ra itself; in the caller, the pc is that value.
  return { pc: ret, lookupPc: ret - 1n, regs };
}
