// Classifies the instruction at a hart's pc for line stepping: a call, a return, or neither. Reverse step-over
// needs call depth, and the engine knows no frames, so it counts calls and returns as gdb's heuristics do.

export const enum Flow { none = 0, call = 1, ret = 2 }

const isLink = (r: number) => r === 1 || r === 5;

export function flowOf(word: number | undefined): Flow {
  if (word === undefined) return Flow.none;
  if ((word & 3) !== 3) {
    // C.JR / C.JALR: funct4 100x, rs2 = 0, op = 10.
    if ((word & 0xe07f) === 0x8002 && ((word >> 7) & 31) !== 0) {
      const rs1 = (word >> 7) & 31, link = (word >> 12) & 1;
      if (link) return Flow.call;
      return isLink(rs1) ? Flow.ret : Flow.none;
    }
    return Flow.none;
  }
  const opcode = word & 0x7f, rd = (word >> 7) & 31, rs1 = (word >> 15) & 31;
  if (opcode === 0x6f) return isLink(rd) ? Flow.call : Flow.none; // JAL
  if (opcode === 0x67) { // JALR
    if (isLink(rd)) return Flow.call;
    return rd === 0 && isLink(rs1) ? Flow.ret : Flow.none;
  }
  if (word === 0x30200073 || word === 0x10200073) return Flow.ret; // MRET, SRET leave a trap handler
  return Flow.none;
}
