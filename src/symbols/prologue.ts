// Where a function's prologue ends, so a breakpoint on a function lands where gdb would put it.
import { AT, FORM } from './dwarf';
import { Die, Unit } from './info';
import { LoadedDebugInfo } from './load';

const validity = new WeakMap<Unit, boolean>();

/** True for a GCC unit in which some variable's location is a location list (gdb's "locations valid"). */
function locationsValid(unit: Unit): boolean {
  let v = validity.get(unit);
  if (v !== undefined) return v;
  v = false;
  const producer = unit.root?.str(AT.producer) ?? '';
  const root = unit.dies();
  if (root && /^GNU /.test(producer)) {
    const stack: Die[] = [root];
    while (stack.length > 0 && !v) {
      const d = stack.pop()!;
      const f = d.form(AT.location);
      if (f === FORM.sec_offset || f === FORM.loclistx || ((f === FORM.data4 || f === FORM.data8) && unit.version < 4))
        v = true;
      for (const c of d.children) stack.push(c);
    }
  }
  validity.set(unit, v);
  return v;
}

/**
 * Uses the line table as gdb does when the compiler does not mark prologue_end: the prologue is the first line's
 * code, so the breakpoint goes at the address where the second line-table row of the function begins.
 */
export function prologueEnd(info: LoadedDebugInfo, funcAddr: bigint): bigint {
  const fn = info.functions.subprogramAt(funcAddr);
  // Like gdb, trust optimised GCC code's locations from the first instruction: when a unit uses location lists,
  // variables are described correctly everywhere, and the first line's code may already be the function body.
  if (fn && fn.lo === funcAddr && locationsValid(fn.die.unit)) return funcAddr;
  const hi =
    fn && fn.lo === funcAddr
      ? fn.hi
      : info.symtab.at(funcAddr)?.size
        ? funcAddr + info.symtab.at(funcAddr)!.size
        : funcAddr + 0x1000n;
  const rows = info.lines.rowsIn(funcAddr, hi);
  const marked = rows.find((r) => r.prologueEnd);
  if (marked) return marked.addr;
  if (rows.length === 0 || rows[0].addr !== funcAddr) return funcAddr;
  const firstLine = rows[0].line;
  for (const r of rows) {
    if (r.addr > funcAddr && r.line !== 0 && r.line !== firstLine) return r.addr;
  }
  return funcAddr;
}
