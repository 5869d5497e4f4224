// Call depth from the instruction a hart just executed, so stepping can tell "inside a callee" from "same frame"
// without unwinding the stack at every instruction: calls and trap entries go one deeper, returns one shallower.

import { disassemble } from '../riscv/disassemble';
import { addressOf, pcOf } from './address-space';

const MRET = 0x30200073,
  SRET = 0x10200073;

/**
 * How the call depth changes when the instruction `word` at `pc` ran and the hart's pc became `next`.
 * A pc that the instruction could not have produced means a trap or interrupt was entered.
 */
export function depthDelta(word: number | undefined, pc: number, next: number): number {
  if (word === undefined) return 0;
  if ((word & 3) !== 3) {
    const c = word & 0xffff;
    const rs1 = (c >>> 7) & 31;
    if ((c & 0xf07f) === 0x9002 && rs1 !== 0) return 1; // c.jalr: links ra
    if ((c & 0xf07f) === 0x8002 && rs1 !== 0) return rs1 === 1 ? -1 : 0; // c.jr ra is ret; other c.jr are tail jumps
    return plainFlow(word, pc, next, 2);
  }
  const op = word & 0x7f,
    rd = (word >>> 7) & 31,
    rs1 = (word >>> 15) & 31;
  // Linking through t0 is gcc's -msave-restore millicode: part of the prologue, not a call.
  if (op === 0x6f && rd === 1) return 1; // jal ra: a call
  if (op === 0x67) {
    if (rd === 1) return 1;
    return rd === 0 && rs1 === 1 ? -1 : 0;
  }
  if ((word | 0) === (MRET | 0) || (word | 0) === (SRET | 0)) return -1;
  return plainFlow(word, pc, next, 4);
}

/** Where a call instruction returns to (the next instruction), or undefined when `word` does not link ra. */
export function returnAddress(word: number | undefined, pc: number): number | undefined {
  if (word === undefined) return undefined;
  if ((word & 3) !== 3) return (word & 0xf07f) === 0x9002 && ((word >>> 7) & 31) !== 0 ? pc + 2 : undefined; // c.jalr
  const op = word & 0x7f,
    rd = (word >>> 7) & 31;
  return (op === 0x6f || op === 0x67) && rd === 1 ? pc + 4 : undefined;
}

function targetOf(word: number, pc: number): number | undefined {
  const t = disassemble(word, addressOf(pc)).target;
  return t === undefined ? undefined : pcOf(t);
}

/** A straight-line instruction or branch: anywhere but its successors means a trap was taken. */
function plainFlow(word: number, pc: number, next: number, length: number): number {
  if (next === pc + length) return 0;
  const target = targetOf(word, pc);
  if (target !== undefined && next === target) return 0;
  return 1;
}
