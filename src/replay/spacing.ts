// Where a recording made with cost-based checksum spacing takes its next checksum: far enough away that checksums
// cost about 1 % of execution, judged from what the last checksum digested. Never host time: a replay must
// verify at the same positions, and the positions are written to the log anyway, so a replay only follows them.

/**
 * The cost of one checksum in guest-instruction equivalents (what the recorder spends on it, divided by what one
 * guest instruction costs in compiled code): a fixed part (per hart digest, the device digest, the engine stopping
 * and resuming) and a part per RAM page written in the interval (the digest of its 4 KiB, and the store that sets
 * DIRTY again after the checksum cleared it, which takes the slow path out of compiled code). Measured on bench.elf
 * (1 hart, about 4 pages written per interval): callgrind puts a checksum at about 0.3 M guest instructions, and a
 * plain run against a recording in one process at about 1 M; these constants follow the latter.
 */
export const CHECKSUM_COST = { perHart: 100_000, devices: 200_000, perPage: 120_000 } as const;

/** Checksum work allowed per executed instruction. */
export const CHECKSUM_BUDGET = 0.01;

/** Spacing bounds: the floor keeps divergence reports local, the ceiling keeps them bounded on write-heavy guests. */
export const SPACING_FLOOR = 1_000_000;
export const SPACING_CEILING = 64_000_000;

/** Positions are chosen in multiples of this, so that the log and the dump read well. */
const GRAIN = 1000;

/**
 * The distance to the next checksum after one that digested `pages` written pages of a machine with `harts`
 * harts: the cost of such a checksum divided by the budget, between `floor` (at least SPACING_FLOOR's grain) and
 * SPACING_CEILING. A pure function of its arguments.
 */
export function nextSpacing(harts: number, pages: number, floor = SPACING_FLOOR): number {
  const cost = CHECKSUM_COST.perHart * harts + CHECKSUM_COST.devices + CHECKSUM_COST.perPage * pages;
  const want = Math.ceil(cost / CHECKSUM_BUDGET / GRAIN) * GRAIN;
  return Math.max(floor, Math.min(Math.max(floor, SPACING_CEILING), want));
}
