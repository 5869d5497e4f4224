// The disassembler, with symbols on branch and jump targets, checked instruction by instruction against
// riscv64-unknown-elf-objdump -d -M no-aliases on every guest ELF (compressed code, atomics with .aq/.rl, FP, CSRs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code } from '../../src/debug/code';
import { instructionText } from '../../src/debug/listing';
import { hexAddress } from '../../src/debug/address-space';
import { csrName } from '../../src/riscv/csr-names';
import { guestsDir } from '../guests/manifest';

const OBJDUMP = 'riscv64-unknown-elf-objdump';
const missing = spawnSync(OBJDUMP, ['--version'], { stdio: 'ignore' }).status !== 0;
const inCi = process.env.CI === 'true';
// Outside CI a machine without binutils skips with the reason; in CI a missing tool is a failure.
const skip = missing && !inCi ? `missing ${OBJDUMP}` : false;

/** objdump's line `80000010:\t00a5b023          \tsd\ta0,0(a1)` as address, instruction word and text. */
function parse(line: string): { addr: number; word: number; text: string } | undefined {
  const m = /^\s*([0-9a-f]+):\t([0-9a-f]{4}|[0-9a-f]{8})\s+\t(\S+)(?:\t(.*))?$/.exec(line);
  if (!m) return undefined;
  // Targets print as bare hex before their symbol; Hartline writes 0x, as the operands elsewhere. objdump's `# addr
  // <sym>` comments (what an auipc/addi pair computes) describe two instructions together, and are left out.
  const operands = (m[4] ?? '')
    .replace(/\s+#.*$/, '')
    .replace(/(^|,)([0-9a-f]+)( <[^>]+>)$/, '$10x$2$3')
    .trim();
  // Addresses are pcs as the adapter keeps them: sign-extended, exact for a kernel linked at 0xffffffff80000000.
  const addr = Number(BigInt.asIntN(64, BigInt('0x' + m[1])));
  return { addr, word: parseInt(m[2], 16), text: operands ? `${m[3]} ${operands}` : m[3] };
}

const SYMBOL = / <([^+>]+)(\+0x[0-9a-f]+)?>$/;

/** Two texts that differ only in which of several symbols at one address names the target (vfprintf, __d_vfprintf). */
function aliases(code: Code, a: string, b: string): boolean {
  const x = SYMBOL.exec(a),
    y = SYMBOL.exec(b);
  if (!x || !y || a.replace(SYMBOL, '') !== b.replace(SYMBOL, '') || x[2] !== y[2]) return false;
  const at = (name: string) => code.symbols?.addressOf(name);
  return at(x[1]) !== undefined && at(x[1]) === at(y[1]);
}

/**
 * A CSR that objdump prints by number where Hartline names it: Debian's binutils does not know every CSR of the
 * privileged spec 1.12 (menvcfg, 0x30a, prints as a number). Equal when naming the number gives Hartline's text.
 */
function csrByNumber(objdump: string, ours: string): boolean {
  const m = /^(csrr[sw]i?|csrrci?) ([a-z0-9]+),0x([0-9a-f]{1,3}),/.exec(objdump);
  return m !== null && objdump.replace(`,0x${m[3]},`, `,${csrName(parseInt(m[3], 16))},`) === ours;
}

test('every instruction of every guest disassembles as objdump -M no-aliases prints it', { skip }, () => {
  assert.equal(missing, false, `${OBJDUMP} is required in CI`);
  const bin = join(guestsDir(), 'bin');
  const elves = readdirSync(bin)
    .filter((f) => f.endsWith('.elf'))
    .sort();
  assert.ok(elves.length > 5, `guests in ${bin}`);
  let compared = 0;
  let data = 0;
  const wrong: string[] = [];
  for (const name of elves) {
    const path = join(bin, name);
    const r = spawnSync(OBJDUMP, ['-d', '-M', 'no-aliases', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const code = new Code(new Uint8Array(readFileSync(path)), path);
    for (const line of r.stdout.split('\n')) {
      const o = parse(line);
      if (!o) continue;
      // Bytes the assembler marked as data ($d mapping symbols: page tables, constants) print as `.word`/`.short`;
      // they are not instructions, and Hartline, which never sees mapping symbols, decodes them as code.
      if (o.text.startsWith('.')) {
        data++;
        continue;
      }
      compared++;
      const ours = instructionText(code, o.word, o.addr);
      if (ours !== o.text && !aliases(code, ours, o.text) && !csrByNumber(o.text, ours))
        wrong.push(`${name} ${hexAddress(o.addr)}: objdump "${o.text}", hartline "${ours}"`);
    }
  }
  assert.ok(compared > 10000, `${compared} instructions compared`);
  assert.deepEqual(wrong.slice(0, 40), [], `${wrong.length} of ${compared} differ (${data} data directives left out)`);
});
