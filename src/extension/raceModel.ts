// The Races view's data without vscode: a recording's races grouped by variable, then by racing pair, with each
// access's hart, position and source line (paths mapped through the launch's sourceMap), and the lines to mark.

import type { Race } from '../replay/races/detector';
import type { Symbols } from '../symbols';
import { lineOf, variableAt } from '../symbols/places';
import { mapPaths } from './sourceMap';

export interface AccessItem {
  hart: number;
  position: number;
  pc: number;
  kind: string;
  size: number;
  file?: string;
  line?: number;
}
export interface PairItem {
  address: number;
  name: string;
  count: number;
  accesses: AccessItem[];
}
export interface VariableItem {
  name: string;
  type: string | null;
  count: number;
  pairs: PairItem[];
}

/** Groups races by the variable they touch (array elements under their array), most frequent first. */
export function groupRaces(
  races: readonly Race[],
  syms: readonly Symbols[],
  sourceMap: readonly [string, string][] = [],
): VariableItem[] {
  const byVar = new Map<string, VariableItem>();
  for (const r of races) {
    const v = variableAt(syms, r.address);
    const key = v.base ?? `0x${r.address.toString(16)}`;
    let item = byVar.get(key);
    if (!item) {
      item = { name: key, type: v.type, count: 0, pairs: [] };
      byVar.set(key, item);
    }
    const accesses = r.accesses.map((a) => {
      const l = lineOf(syms, a.pc);
      const where = l ? { path: l.file } : undefined;
      if (where) mapPaths(where, sourceMap);
      return {
        hart: a.hart,
        position: a.position,
        pc: a.pc,
        kind: a.kind,
        size: a.size,
        file: where?.path,
        line: l?.line,
      };
    });
    item.pairs.push({ address: r.address, name: v.name ?? key, count: r.count, accesses });
    item.count += r.count;
  }
  return [...byVar.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

export function accessLabel(a: AccessItem): string {
  const where = a.file ? `${a.file.split('/').pop()}:${a.line}` : `pc 0x${a.pc.toString(16)}`;
  return `hart ${a.hart} ${a.kind} at position ${a.position}, ${where}`;
}

export function pairLabel(p: PairItem): string {
  const [a, b] = p.accesses;
  return `${p.name}: hart ${a.hart} ${a.kind} / hart ${b.hart} ${b.kind} (${p.count}×)`;
}

/** One diagnostic per racing source line: file -> line (1-based) -> message. */
export function racingLines(vars: readonly VariableItem[]): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const v of vars) {
    for (const p of v.pairs) {
      const [a, b] = p.accesses;
      for (const [me, other] of [
        [a, b],
        [b, a],
      ] as const) {
        if (!me.file || !me.line) continue;
        let lines = out.get(me.file);
        if (!lines) {
          lines = new Map();
          out.set(me.file, lines);
        }
        if (lines.has(me.line)) continue;
        const at = other.file ? `${other.file.split('/').pop()}:${other.line}` : `pc 0x${other.pc.toString(16)}`;
        lines.set(
          me.line,
          `data race on ${p.name}: this ${me.kind} (hart ${me.hart}, position ${me.position}) and the ${other.kind} at ${at} ` +
            `(hart ${other.hart}, position ${other.position}) are not ordered by any synchronisation; ${p.count} time${p.count === 1 ? '' : 's'} in this recording`,
        );
      }
    }
  }
  return out;
}
