// The rules of docs/architecture.md as code: the layer table (which folder of src/ may import which), `vscode` only
// in the extension, no host time, randomness, environment or I/O in the ISA and machine layers, and the import
// cycles that exist. checkTree() reads a source tree and returns every breach as one line; the architecture test
// runs it on src/ and on a small fake tree under test/fixtures/layers/ that breaks each rule once.

import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * What each layer may import (besides itself). Imports point down only. `errors` is src/errors.ts, shared by all.
 * src/gdb (the gdb remote stub) sits beside src/debug: nothing imports it but the CLI.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  extension: ['debug', 'symbols', 'replay', 'machine', 'riscv', 'errors'],
  debug: ['symbols', 'replay', 'machine', 'riscv', 'errors'],
  gdb: ['symbols', 'replay', 'machine', 'riscv', 'errors'],
  cli: ['gdb', 'symbols', 'replay', 'machine', 'riscv', 'errors'],
  symbols: ['errors'],
  replay: ['machine', 'riscv', 'errors'],
  machine: ['riscv', 'errors'],
  riscv: ['errors'],
  errors: [],
};

/** Layers that must be a pure function of their inputs: no host time, randomness, environment or I/O. */
export const DETERMINISTIC: readonly string[] = ['riscv', 'machine'];

/** Names that reach the host from code, banned in DETERMINISTIC layers (matched outside comments and strings). */
const HOST_NAMES: readonly { re: RegExp; what: string }[] = [
  { re: /\bDate\b/, what: 'Date (host time)' },
  { re: /\bperformance\b/, what: 'performance (host time)' },
  { re: /\bMath\s*\.\s*random\b/, what: 'Math.random (host randomness)' },
  { re: /\bprocess\b/, what: 'process (environment, host time, host I/O)' },
  { re: /\bglobalThis\b/, what: 'globalThis (host globals)' },
  { re: /\b(?:setTimeout|setInterval|setImmediate)\b/, what: 'timers (host time)' },
  { re: /\brequire\s*\(/, what: 'require (a host module)' },
  { re: /\bimport\s*\(/, what: 'dynamic import (a host module)' },
];

export interface SourceFile {
  /** Path relative to the tree's root, with forward slashes (`src/replay/engine.ts`). */
  path: string;
  layer: string | undefined;
  /** Code with comments removed (strings kept), and with strings emptied as well. */
  code: string;
  bare: string;
  imports: { spec: string; target?: string }[];
}

/** Removes comments; with `strings` false also empties string and template literals. Regex literals are kept. */
export function stripComments(text: string, strings: boolean): string {
  let out = '';
  for (let k = 0; k < text.length; ) {
    const c = text[k],
      d = text[k + 1];
    if (c === '/' && d === '/') {
      while (k < text.length && text[k] !== '\n') k++;
      continue;
    }
    if (c === '/' && d === '*') {
      const e = text.indexOf('*/', k + 2);
      const end = e < 0 ? text.length : e + 2;
      out += text.slice(k, end).replace(/[^\n]/g, ' ');
      k = end;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let e = k + 1;
      while (e < text.length && text[e] !== c) {
        if (text[e] === '\\') e++;
        e++;
      }
      out += strings ? text.slice(k, e + 1) : c + c;
      k = e + 1;
      continue;
    }
    out += c;
    k++;
  }
  return out;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT =
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The layer of a path under `src/`: its first folder, or `errors` for src/errors.ts; undefined for anything else. */
export function layerOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src') return undefined;
  if (parts.length === 2) return parts[1] === 'errors.ts' ? 'errors' : `(file ${parts[1]})`;
  return parts[1];
}

/** Reads every .ts file under `root`/src, resolving relative imports to files of the tree. */
export function readTree(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const abs of walk(join(root, 'src'))) {
    const text = readFileSync(abs, 'utf8');
    const path = relative(root, abs).split(sep).join('/');
    const code = stripComments(text, true);
    const imports: SourceFile['imports'] = [];
    for (const m of code.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      let target: string | undefined;
      if (spec.startsWith('.')) {
        const base = resolve(dirname(abs), spec);
        const hit = [base + '.ts', join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
        target = relative(root, hit ?? base + '.ts')
          .split(sep)
          .join('/');
      }
      imports.push({ spec, target });
    }
    files.push({ path, layer: layerOf(path), code, bare: stripComments(text, false), imports });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Import cycles between files: every strongly connected component of more than one file, as sorted path lists. */
export function cyclesOf(files: readonly SourceFile[]): string[][] {
  const edges = new Map(files.map((f) => [f.path, f.imports.flatMap((i) => (i.target ? [i.target] : []))]));
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    on = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n);
    n++;
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        on.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const f of files) if (!index.has(f.path)) visit(f.path);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Every breach of the rules in the tree at `root`, one line each; `knownCycles` are reported only if they grow. */
export function checkTree(root: string, knownCycles: readonly (readonly string[])[] = []): string[] {
  const files = readTree(root);
  const problems: string[] = [];
  for (const f of files) {
    const allowed = f.layer === undefined ? undefined : LAYERS[f.layer];
    if (allowed === undefined) {
      problems.push(`${f.path}: folder "${f.layer}" is not in the layer table`);
      continue;
    }
    for (const i of f.imports) {
      if (i.target !== undefined) {
        const to = layerOf(i.target);
        if (to === undefined) problems.push(`${f.path}: imports ${i.spec}, outside src/`);
        else if (to !== f.layer && !allowed.includes(to))
          problems.push(
            `${f.path}: imports ${i.spec}: layer ${f.layer} may not import ${to} (imports point down only)`,
          );
      } else if (i.spec === 'vscode' && f.layer !== 'extension') {
        problems.push(`${f.path}: imports vscode, which only src/extension may`);
      } else if (DETERMINISTIC.includes(f.layer!)) {
        problems.push(
          `${f.path}: imports ${i.spec}: the ${f.layer} layer imports no Node module or package (host I/O breaks determinism)`,
        );
      }
    }
    if (DETERMINISTIC.includes(f.layer!)) {
      const lines = f.bare.split('\n');
      lines.forEach((line, k) => {
        for (const h of HOST_NAMES)
          if (h.re.test(line)) problems.push(`${f.path}:${k + 1}: uses ${h.what}, which the ${f.layer} layer must not`);
      });
    }
  }
  const known = new Set(knownCycles.map((c) => [...c].sort().join(' ')));
  for (const c of cyclesOf(files)) {
    if (!known.has(c.join(' '))) problems.push(`import cycle: ${c.join(' -> ')}`);
  }
  return problems;
}
