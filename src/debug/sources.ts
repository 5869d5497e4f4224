// Which file a stack frame shows: the ELF names the path it was compiled at, but the user's editor holds the
// workspace's copy. A file the client set breakpoints in that shares the longest path suffix with the ELF's path
// wins, so a stop opens the same tab the breakpoint is in; otherwise the ELF's path stands (the extension then
// offers a sourceMap entry when it does not exist).

import { existsSync } from 'node:fs';
import { normalize } from 'node:path';

/** How many trailing path components `a` and `b` share. */
function sharedTail(a: string, b: string): number {
  const x = a.split(/[\\/]+/),
    y = b.split(/[\\/]+/);
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n] && x[x.length - 1 - n] !== '') n++;
  return n;
}

export class SourcePaths {
  /** Paths the client named in setBreakpoints (the workspace's files), in the client's spelling. */
  private readonly client = new Set<string>();
  private readonly cache = new Map<string, string>();

  /** A file the client set breakpoints in, and whose code is in the program. */
  noteClient(path: string): void {
    if (this.client.has(path)) return;
    this.client.add(path);
    this.cache.clear();
  }

  /** The path to show for a file the ELF names (normalised: `a/../common/x.h` is `common/x.h`). */
  local(raw: string): string {
    const elfPath = normalize(raw);
    const hit = this.cache.get(raw);
    if (hit !== undefined) return hit;
    let best = elfPath,
      bestN = 0;
    for (const p of this.client) {
      const n = sharedTail(p, elfPath);
      if (n > bestN) {
        best = p;
        bestN = n;
      }
    }
    // The ELF's own path is right when it exists and is the file the client uses, or no client file matches.
    if (bestN === 0 || (best !== elfPath && existsSync(elfPath) && sharedTail(best, elfPath) < 2 && !existsSync(best)))
      best = elfPath;
    this.cache.set(raw, best);
    return best;
  }
}
