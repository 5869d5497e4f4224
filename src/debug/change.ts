// What a data-breakpoint stop says: the watched expression's value before and after the access, who made it and
// where, e.g. "counter: 911 → 912, written by hart 1 at racy_counter.c:6, position 44,940". The stop itself stands
// just after the accessing instruction (the editor's arrow is on the instruction after the store, usually the same
// line); the line named here is the store's own.

import { basename } from 'node:path';
import type { Code } from './code';
import type { Hit, Target } from './target';
import { formatValue } from './evaluate';
import type { Inspector } from './inspect';

const fmt = (n: number) => n.toLocaleString('en-US');

/** The watched bytes as an unsigned little-endian number (up to 8 bytes), or hex bytes. */
function rawValue(t: Target, lo: number, hi: number): string {
  const b = t.machine.memory.readBytes(lo, hi - lo);
  if (!b) return '?';
  if (b.length <= 8) {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v.toString();
  }
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

export function describeChange(
  t: Target,
  inspector: Inspector,
  code: Code,
  watch: { label?: string; lo: number; hi: number } | undefined,
  hit: Hit,
): string {
  const lo = watch?.lo ?? hit.addr!,
    hi = watch?.hi ?? hit.addr! + (hit.size ?? 1);
  const name = watch?.label ?? `0x${lo.toString(16)}`;
  const read = (): string => {
    inspector.reset();
    if (watch?.label)
      try {
        return formatValue(inspector.evaluateOn(watch.label, hit.hart, 0));
      } catch {
        /* out of scope here: the bytes */
      }
    return rawValue(t, lo, hi);
  };
  const here = t.position;
  const now = read();
  let before: string | undefined,
    pc = t.machine.harts[hit.hart].pc;
  if (here > 0) {
    // The state before the accessing instruction: its pc is the access's, its memory the old value.
    t.seek(here - 1);
    pc = t.machine.harts[hit.hart].pc;
    if (hit.write) before = read();
    t.seek(here);
    inspector.reset();
  }
  const line = code.lineAt(pc);
  const where = line && line.line > 0 ? `${basename(line.file)}:${line.line}` : code.label(pc);
  const value = hit.write ? `${before ?? '?'} → ${now}` : now;
  return `${name}: ${value}, ${hit.write ? 'written' : 'read'} by hart ${hit.hart} at ${where}, position ${fmt(here)}`;
}
