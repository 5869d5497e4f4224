// Disassembly for the Disassembly view and for frames without source, from the one instruction table, annotated
// with symbols and source lines.

import { basename } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { disassemble } from '../riscv/disassemble';
import type { Code } from './code';
import { addressOf, hexAddress, pcOf } from './address-space';

/** The instruction a hart fetches at a pc (through its page tables), or undefined where nothing is mapped. */
export type Fetch = (pc: number) => number | undefined;

interface Decoded {
  addr: number;
  length: number;
  bytes: string;
  text: string;
  valid: boolean;
}

/** `<main+0x1c>` for an address inside a symbol, as objdump names branch and jump targets. */
export function symbolic(code: Code, addr: bigint): string {
  const s = code.symbols?.symbolAt(addr);
  if (!s) return '';
  return s.offset === 0n ? ` <${s.name}>` : ` <${s.name}+0x${s.offset.toString(16)}>`;
}

/** One instruction's text: the one table's disassembly, with the symbol of its branch or jump target. */
export function instructionText(code: Code, word: number, addr: number): string {
  const d = disassemble(word, addressOf(addr));
  const text = d.operands ? `${d.mnemonic} ${d.operands}` : d.mnemonic;
  return d.target === undefined ? text : text + symbolic(code, BigInt.asUintN(64, d.target));
}

function decodeAt(m: Fetch, addr: number, code: Code): Decoded {
  const word = m(addr);
  if (word === undefined) return { addr, length: 2, bytes: '', text: '??', valid: false };
  const length = (word & 3) === 3 ? 4 : 2;
  const bytes =
    length === 4 ? (word >>> 0).toString(16).padStart(8, '0') : (word & 0xffff).toString(16).padStart(4, '0');
  return { addr, length, bytes, text: instructionText(code, word, addr), valid: true };
}

/** Instructions in order, `count` of them, starting `offset` instructions from `base` (offset may be negative). */
export function disassembleRange(
  m: Fetch,
  code: Code,
  base: number,
  offset: number,
  count: number,
): DebugProtocol.DisassembledInstruction[] {
  let list: Decoded[] = [];
  if (offset < 0) {
    // Walk from far enough back that compressed and full instructions resynchronise before `base`.
    let a = base + offset * 4 - 16;
    const before: Decoded[] = [];
    while (a < base) {
      const d = decodeAt(m, a, code);
      before.push(d);
      a += d.length;
    }
    list = before.slice(Math.max(0, before.length + offset));
    while (list.length < -offset)
      list.unshift({ addr: list[0] ? list[0].addr - 2 : base - 2, length: 2, bytes: '', text: '??', valid: false });
  }
  let a = base;
  for (let k = 0; k < Math.max(0, offset); k++) a += decodeAt(m, a, code).length;
  while (list.length < count) {
    const d = decodeAt(m, a, code);
    list.push(d);
    a += d.length;
  }
  list = list.slice(0, count);
  let lastLine = '';
  return list.map((d) => {
    const out: DebugProtocol.DisassembledInstruction = {
      address: hexAddress(d.addr),
      instructionBytes: d.bytes,
      instruction: d.text,
    };
    if (!d.valid) out.presentationHint = 'invalid';
    const sym = code.symbols?.symbolAt(addressOf(d.addr));
    if (sym && sym.offset === 0n) out.symbol = sym.name;
    const line = code.lineAt(d.addr);
    if (line) {
      const key = `${line.file}:${line.line}`;
      if (key !== lastLine) {
        out.location = { name: basename(line.file), path: line.file };
        out.line = line.line;
      }
      lastLine = key;
    }
    return out;
  });
}

/** The furthest address up to `back` bytes before `pc` from which decoding lands exactly on `pc`. */
function alignedBefore(m: Fetch, code: Code, pc: number, back: number): number {
  for (let start = pc - back; start < pc; start += 2) {
    let a = start;
    while (a < pc) {
      const d = decodeAt(m, a, code);
      if (!d.valid) break;
      a += d.length;
    }
    if (a === pc) return start;
  }
  return pc;
}

/** A source document for code without source: the function (or 64 instructions) around `pc`. */
export function sourceText(m: Fetch, code: Code, pc: number): string {
  const fn = code.symbols?.functionAt(addressOf(pc));
  const start = fn ? pcOf(fn.lo) : alignedBefore(m, code, pc, 64);
  const end = fn ? pcOf(fn.hi) : pc + 192;
  const lines: string[] = [`; ${code.label(start)}`];
  for (let a = start; a < end && lines.length < 4096; ) {
    const d = decodeAt(m, a, code);
    lines.push(`${a === pc ? '=>' : '  '} ${hexAddress(a)}  ${d.bytes.padEnd(8)}  ${d.text}`);
    a += d.length;
  }
  return lines.join('\n') + '\n';
}
