// Fuzzes the ELF loader and machine construction: flipped and truncated bytes of real guest images must either
// load (and then run without crashing the host) or fail with a HartlineError carrying exit code 2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Machine } from '../../../src/machine/machine';
import { HartlineError } from '../../../src/errors';

/** A small deterministic generator (xorshift32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const GUESTS = ['hello', 'atomics', 'paging', 'hello_semihost', 'htif'];
const CASES = 3000;

test(`${CASES} corrupted ELF images load or fail with one clear HartlineError`, () => {
  const random = rng(0x5eed);
  const images = GUESTS.map((g) => new Uint8Array(readFileSync(`test/guests/bin/${g}.elf`)));
  let loaded = 0,
    refused = 0;
  const messages = new Set<string>();
  for (let k = 0; k < CASES; k++) {
    const base = images[k % images.length];
    let bytes: Uint8Array;
    const mode = k % 3;
    if (mode === 0) bytes = base.subarray(0, Math.floor(random() * base.length));
    else {
      bytes = base.slice();
      // Flip bytes, mostly in the headers where the parser looks.
      const flips = 1 + Math.floor(random() * 8);
      for (let f = 0; f < flips; f++) {
        const at =
          mode === 1 ? Math.floor(random() * Math.min(bytes.length, 512)) : Math.floor(random() * bytes.length);
        bytes[at] ^= 1 << Math.floor(random() * 8);
      }
    }
    try {
      const m = Machine.fromElf(bytes, { name: 'fuzz.elf', ramSize: 8 << 20 });
      loaded++;
      const r = m.run(20_000); // garbage code must trap or run, never throw on the host
      assert.ok(['exit', 'limit', 'trap', 'deadlock'].includes(r.reason), r.reason);
    } catch (e) {
      if (!(e instanceof HartlineError)) throw new Error(`case ${k}: ${e instanceof Error ? e.stack : String(e)}`);
      assert.equal(e.exitCode, 2);
      assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
      assert.match(e.message, /^fuzz\.elf: /);
      messages.add(e.message.replace(/0x[0-9a-f]+|\d+/g, 'N'));
      refused++;
    }
  }
  assert.equal(loaded + refused, CASES);
  assert.ok(refused > CASES / 10, `only ${refused} refused`);
  assert.ok(loaded > 0);
  console.log(`elf fuzz: ${loaded} loaded, ${refused} refused with ${messages.size} distinct messages`);
});
