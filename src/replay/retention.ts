// Which snapshots to keep, as rr's ReplayTimeline decides its checkpoints:
//  - spine snapshots are taken every `interval` positions the first time execution passes there; snapshot k
//    (position k*interval) has level = the number of trailing zero bits of k. For every level we keep only the two
//    latest snapshots at that level or above, so spacing doubles with age and L positions cost O(log L) snapshots;
//  - local snapshots are taken on the way to a seek target, at halving distances before it, so the next step back
//    finds one close behind the cursor; only the few nearest the cursor survive;
//  - position 0 is never dropped, and over the memory budget the locals go first, then the spine from its densest part.

import type { Snapshot, SnapshotStore } from './snapshot';

export const MAX_LOCALS = 12;

function level(index: number): number {
  if (index === 0) return 64;
  let l = 0;
  while (index % 2 === 0) {
    index /= 2;
    l++;
  }
  return l;
}

/** Drops spine snapshots that the level rule no longer wants. */
export function thinSpine(store: SnapshotStore, interval: number): void {
  const spine = store.list.filter((s) => s.kind === 'spine');
  const keep = new Set<Snapshot>();
  const perLevel = new Map<number, number>();
  for (let k = spine.length - 1; k >= 0; k--) {
    const s = spine[k];
    const l = level(Math.round(s.position / interval));
    // Count this snapshot towards every level up to its own: it serves all of them.
    let wanted = false;
    for (let j = 0; j <= Math.min(l, 60); j++) {
      const n = perLevel.get(j) ?? 0;
      if (n < 2) {
        wanted = true;
        perLevel.set(j, n + 1);
      }
    }
    if (wanted || s.position === 0) keep.add(s);
  }
  for (const s of spine) if (!keep.has(s)) store.drop(s);
}

/** Keeps the locals nearest the cursor. */
export function thinLocals(store: SnapshotStore, cursor: number): void {
  const locals = store.list
    .filter((s) => s.kind === 'local')
    .sort((a, b) => Math.abs(a.position - cursor) - Math.abs(b.position - cursor));
  for (const s of locals.slice(MAX_LOCALS)) store.drop(s);
}

/** Over budget: drop locals farthest from the cursor, then spine snapshots where the spine is densest. */
export function enforceBudget(store: SnapshotStore, budget: number, cursor: number): void {
  while (store.bytes > budget && store.list.length > 1) {
    const locals = store.list.filter((s) => s.kind === 'local');
    if (locals.length > 1) {
      locals.sort((a, b) => Math.abs(b.position - cursor) - Math.abs(a.position - cursor));
      store.drop(locals[0]);
      continue;
    }
    let best: Snapshot | undefined,
      gap = Infinity;
    for (let k = 1; k < store.list.length - 1; k++) {
      const g = store.list[k + 1].position - store.list[k - 1].position;
      if (g < gap) {
        gap = g;
        best = store.list[k];
      }
    }
    if (!best) break;
    store.drop(best);
  }
}
