// Benchmarks the symbol reader: load time and address->line lookup time, with GNU binutils on the same ELF as the reference.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadSymbols } from '../src/symbols';
import { parseElf } from '../src/symbols/elf';

const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';

function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6 && !existsSync(join(dir, 'package.json')); i++) dir = join(dir, '..');
  return dir;
}

function hasTool(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Generated C big enough for about 5 MB of .debug_info: many types, functions, locals and inlined helpers. */
function bigSource(units: number, fns: number): string[] {
  const files: string[] = [];
  for (let u = 0; u < units; u++) {
    let s = `/* generated for the symbols benchmark */\n#include <stdint.h>\nvolatile long sink_${u};\n`;
    for (let f = 0; f < fns; f++) {
      s += `struct rec_${u}_${f} { int a; unsigned b : 3; double c[4]; struct rec_${u}_${f} *next; const char *name; union { uint32_t u; float f; } w; };\n`;
      s += `static inline long mix_${u}_${f}(long x, int y) { long t = x * ${f + 3} + y; sink_${u} += t; return t ^ (x >> 3); }\n`;
      s += `long fn_${u}_${f}(struct rec_${u}_${f} *r, int n) {\n  long acc = 0; struct rec_${u}_${f} local = *r;\n`;
      s += `  for (int i = 0; i < n; i++) { int k = i * ${f + 1}; acc += mix_${u}_${f}(acc + k, i) + (long)local.c[i & 3]; local.a += k; }\n`;
      s += `  sink_${u} = local.a + local.b; return acc;\n}\n`;
    }
    files.push(s);
  }
  return files;
}

/** Builds (once, cached in the temp directory) a large debug-info ELF with the cross compiler, if it is installed. */
function buildBigElf(): string | undefined {
  if (!hasTool('riscv64-unknown-elf-gcc')) return undefined;
  const dir = join(tmpdir(), 'hartline-symbols-bench-v2');
  const out = join(dir, 'big.elf');
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const sources = bigSource(48, 300).map((text, i) => {
    const p = join(dir, `u${i}.c`);
    writeFileSync(p, text);
    return p;
  });
  writeFileSync(join(dir, 'main.c'), 'int main(void) { return 0; }\n');
  execFileSync(
    'riscv64-unknown-elf-gcc',
    [
      '-march=rv64gc',
      '-mabi=lp64d',
      '-mcmodel=medany',
      '-O2',
      '-g',
      '--specs=picolibc.specs',
      '--oslib=semihost',
      '-Wl,--defsym=__flash=0x80000000',
      '-Wl,--defsym=__flash_size=0x1000000',
      '-Wl,--defsym=__ram=0x81000000',
      '-Wl,--defsym=__ram_size=0x100000',
      '-Wl,--no-gc-sections',
      join(dir, 'main.c'),
      ...sources,
      '-o',
      out,
    ],
    { stdio: 'ignore' },
  );
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function textAddresses(bytes: Uint8Array, count: number): bigint[] {
  const text = parseElf(bytes).sections.find((s) => s.name === '.text');
  if (!text || text.size === 0) return [];
  const out: bigint[] = [];
  let x = 12345;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(text.addr + (BigInt(x % text.size) & ~1n));
  }
  return out;
}

async function benchOne(label: string, path: string): Promise<object> {
  const bytes = new Uint8Array(readFileSync(path));
  const elf = parseElf(bytes);
  const debugInfo = elf.section('.debug_info')?.size ?? 0;
  loadSymbols(bytes); // warm the JIT
  const loads: number[] = [];
  for (let i = 0; i < 7; i++) loads.push(timeMs(() => loadSymbols(bytes)));
  const syms = loadSymbols(bytes);
  const addrs = textAddresses(bytes, 20000);
  for (const a of addrs.slice(0, 1000)) syms.lineAt(a);
  const lineTotal = timeMs(() => {
    for (const a of addrs) syms.lineAt(a);
  });
  const fnTotal = timeMs(() => {
    for (const a of addrs) syms.addr2line(a);
  });
  const result: Record<string, unknown> = {
    bench: 'symbols',
    input: label,
    path,
    debugInfoBytes: debugInfo,
    fileBytes: bytes.length,
    loadMs: +median(loads).toFixed(2),
    lineAtUs: +((lineTotal * 1000) / addrs.length).toFixed(3),
    addr2lineUs: +((fnTotal * 1000) / addrs.length).toFixed(3),
    lookups: addrs.length,
  };
  // Reference: binutils decoding the same line tables (objdump) and answering the same 20,000 lookups (addr2line).
  if (hasTool('riscv64-unknown-elf-objdump') && hasTool('riscv64-unknown-elf-addr2line')) {
    const objdumpMs = median(
      [0, 1, 2].map(() =>
        timeMs(() =>
          execFileSync('riscv64-unknown-elf-objdump', ['--dwarf=decodedline', path], {
            maxBuffer: 1 << 30,
            stdio: ['ignore', 'ignore', 'ignore'],
          }),
        ),
      ),
    );
    const input = addrs.map((a) => '0x' + a.toString(16)).join('\n');
    const a2lMs = timeMs(() =>
      execFileSync('riscv64-unknown-elf-addr2line', ['-f', '-i', '-e', path], {
        input,
        maxBuffer: 1 << 30,
        stdio: ['pipe', 'ignore', 'ignore'],
      }),
    );
    Object.assign(result, {
      reference:
        'riscv64-unknown-elf-objdump --dwarf=decodedline (load) and riscv64-unknown-elf-addr2line -f -i (20,000 lookups incl. its own load)',
      referenceLoadMs: +objdumpMs.toFixed(2),
      loadRatio: +(median(loads) / objdumpMs).toFixed(3),
      referenceLookupsMs: +a2lMs.toFixed(2),
      lookupRatio: +((fnTotal + median(loads)) / a2lMs).toFixed(3),
    });
  } else {
    Object.assign(result, { reference: 'none (binutils for riscv64 not installed)' });
  }
  return result;
}

export async function benchSymbols(): Promise<object[]> {
  const results: object[] = [];
  const dir = join(repoRoot(), 'test', 'fixtures', 'symbols', 'elf');
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.elf'))
    .map((f) => join(dir, f));
  const largest = fixtures.sort(
    (a, b) =>
      (parseElf(new Uint8Array(readFileSync(b))).section('.debug_info')?.size ?? 0) -
      (parseElf(new Uint8Array(readFileSync(a))).section('.debug_info')?.size ?? 0),
  )[0];
  results.push(await benchOne('largest fixture', largest));
  if (existsSync(OPENSBI)) results.push(await benchOne('OpenSBI fw_jump.elf (Debian, no debug info)', OPENSBI));
  const big = buildBigElf();
  if (big) results.push(await benchOne(`generated ELF, ${(statSync(big).size / 1e6).toFixed(1)} MB`, big));
  return results;
}

// Standalone: node out/bench/symbols.js (bundled into run.js too, where this must not fire).
if (/[\/]symbols\.js$/.test(process.argv[1] ?? ''))
  benchSymbols().then((r) => {
    for (const l of r) process.stdout.write(JSON.stringify(l) + '\n');
  });
