// The `sourceMap` launch attribute: source folders named in an ELF's debug information mapped to folders here,
// applied to every `path` in DAP messages. No vscode import.

import { normalize } from 'node:path';

/** Rewrites every `path` property under `v` whose value starts with a mapped prefix. */
export function mapPaths(v: unknown, map: readonly [string, string][]): void {
  if (!v || typeof v !== 'object' || map.length === 0) return;
  if (Array.isArray(v)) {
    for (const x of v) mapPaths(x, map);
    return;
  }
  const o = v as Record<string, unknown>;
  for (const [k, x] of Object.entries(o)) {
    if (k === 'path' && typeof x === 'string') {
      for (const [from, to] of map)
        if (x === from || x.startsWith(from.endsWith('/') ? from : from + '/')) {
          o[k] = normalize(to + x.slice(from.length));
          break;
        }
    } else if (x && typeof x === 'object') mapPaths(x, map);
  }
}

/**
 * The `sourceMap` entry that makes `elfPath` resolve inside `folder`: the longest tail of `elfPath` found under
 * `folder` decides where the ELF's build folder maps to (`/build/src/a.c` and `/home/me/src` give `/build/src` →
 * `/home/me/src` when `/home/me/src/a.c` exists). Undefined when not even the file name is there.
 */
export function sourceMapEntry(
  elfPath: string,
  folder: string,
  exists: (p: string) => boolean,
): [string, string] | undefined {
  const parts = elfPath.split('/').filter((p) => p !== '');
  for (let k = 0; k < parts.length; k++) {
    const tail = parts.slice(k).join('/');
    if (exists(normalize(`${folder}/${tail}`))) {
      return ['/' + parts.slice(0, k).join('/'), folder.replace(/\/+$/, '')];
    }
  }
  return undefined;
}
