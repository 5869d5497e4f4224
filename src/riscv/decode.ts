// Table-driven decoder: maps a 32-bit instruction word to its row in the one instruction table.

import { INSTRUCTIONS, InstructionInfo, Op } from './instructions';

// Rows bucketed by major opcode (low 7 bits); within a bucket the first matching row wins.
const buckets: InstructionInfo[][] = Array.from({ length: 128 }, () => []);
for (const row of INSTRUCTIONS) buckets[row.match & 0x7f].push(row);

/** The table row for a 32-bit word, or undefined when the word is not a known instruction. */
export function decodeRow(word: number): InstructionInfo | undefined {
  for (const row of buckets[word & 0x7f]) if ((word & row.mask) === row.match) return row;
  return undefined;
}

/** The dispatch id for a 32-bit word; Op.ILLEGAL when unknown. */
export function decodeOp(word: number): Op {
  const row = decodeRow(word);
  return row ? row.op : Op.ILLEGAL;
}

const byOp: InstructionInfo[] = [];
for (const row of INSTRUCTIONS) byOp[row.op] = row;
