// The RSP codec: framing, checksums, acks, Ctrl-C, escapes and run-length, and a seeded fuzz of 10,000 packets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Decoder,
  encodePacket,
  expandRunLength,
  fromHex,
  Frame,
  littleEndianHex,
  PACKET_SIZE,
  parseHex,
  parseLittleEndian,
  unescapeBinary,
} from '../../../src/gdb/codec';

const frames = (...chunks: string[]) => {
  const d = new Decoder();
  return chunks.flatMap((c) => d.push(Buffer.from(c, 'latin1')));
};

test('a packet with a good checksum decodes, in one piece or byte by byte', () => {
  assert.deepEqual(
    frames('$qSupported#37').map((f) => f.kind),
    ['packet'],
  );
  const pieces = encodePacket('m80000000,4').toString('latin1').split('');
  const f = frames(...pieces);
  assert.equal(f.length, 1);
  assert.equal(f[0].kind, 'packet');
  assert.equal((f[0] as { data: Buffer }).data.toString(), 'm80000000,4');
});

test('a bad checksum, a non-hex checksum, acks, naks and Ctrl-C are told apart', () => {
  assert.deepEqual(
    frames('$g#00').map((f) => f.kind),
    ['bad-checksum'],
  );
  assert.deepEqual(
    frames('$g#zz').map((f) => f.kind),
    ['bad-checksum'],
  );
  assert.deepEqual(
    frames('+-\x03$g#67').map((f) => f.kind),
    ['ack', 'nak', 'interrupt', 'packet'],
  );
  assert.deepEqual(
    frames('junk$g#67').map((f) => f.kind),
    ['garbage', 'packet'],
  );
});

test('a packet cut off by a new `$` is dropped and the new one decodes', () => {
  assert.deepEqual(
    frames('$m8000$g#67').map((f) => f.kind),
    ['garbage', 'packet'],
  );
});

test('a packet longer than PacketSize is refused whole', () => {
  const body = 'X'.repeat(PACKET_SIZE + 10);
  const sum = [...body].reduce((s, c) => (s + c.charCodeAt(0)) & 0xff, 0);
  const f = frames(`$${body}#${sum.toString(16).padStart(2, '0')}`);
  assert.deepEqual(
    f.map((x) => x.kind),
    ['garbage'],
  );
});

test('encodePacket escapes $ # } * and its output decodes back to the payload', () => {
  const payload = Uint8Array.from([0x24, 0x23, 0x7d, 0x2a, 0x41, 0x00, 0xff]);
  const wire = encodePacket(payload);
  assert.ok(!wire.subarray(1, wire.length - 3).includes(0x24) && !wire.subarray(1, wire.length - 3).includes(0x23));
  const f = new Decoder().push(wire);
  assert.equal(f[0].kind, 'packet');
  assert.deepEqual(unescapeBinary((f[0] as { data: Buffer }).data), payload);
  assert.equal(encodePacket('OK').toString(), '$OK#9a');
});

test('binary unescaping and run-length expansion reject truncated input', () => {
  assert.equal(unescapeBinary(Uint8Array.from([0x41, 0x7d])), undefined);
  assert.deepEqual(Buffer.from(expandRunLength(Buffer.from('0* '))!), Buffer.from('0000'));
  assert.equal(expandRunLength(Buffer.from('*!')), undefined);
  assert.equal(expandRunLength(Buffer.from('0*')), undefined);
});

test('hex helpers: strict parsing, little-endian registers', () => {
  assert.equal(parseHex('80000000'), 0x80000000n);
  assert.equal(parseHex(''), undefined);
  assert.equal(parseHex('12345678123456789'), undefined);
  assert.equal(parseHex('-1'), undefined);
  assert.equal(fromHex('abc'), undefined);
  assert.equal(fromHex('zz'), undefined);
  assert.equal(littleEndianHex(0x8000019an, 8), '9a01008000000000');
  assert.equal(parseLittleEndian('9a01008000000000', 8), 0x8000019an);
  assert.equal(parseLittleEndian('9a0100800000000', 8), undefined);
});

/** xorshift32: the fuzz is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

test('fuzz: 10,000 random packets, half corrupted, in random pieces: every good one decodes exactly, nothing throws', () => {
  const next = rng(0x9db);
  const d = new Decoder();
  let good = 0,
    decoded = 0,
    badSums = 0;
  const expected: string[] = [];
  const got: string[] = [];
  for (let n = 0; n < 10_000; n++) {
    const len = next() % 64;
    const payload = Uint8Array.from({ length: len }, () => next() & 0xff);
    let wire = encodePacket(payload);
    const corrupt = next() % 2 === 1;
    if (corrupt) {
      wire = Buffer.from(wire);
      const kind = next() % 3;
      // Flip a checksum digit, a body byte (not into a framing byte), or drop the checksum's last digit.
      if (kind === 0) wire[wire.length - 1] = wire[wire.length - 1] === 0x30 ? 0x31 : 0x30;
      else if (kind === 1 && wire.length > 4) {
        const k = 1 + (next() % (wire.length - 4));
        wire[k] = wire[k] === 0x41 ? 0x42 : 0x41;
        if (wire[k] === payload[k - 1]) wire[k] ^= 3;
      } else wire = Buffer.concat([wire.subarray(0, wire.length - 1), Buffer.from('+')]);
    } else {
      good++;
      expected.push(Buffer.from(payload).toString('hex'));
    }
    // Deliver in random pieces, with the odd ack or Ctrl-C between packets.
    for (let at = 0; at < wire.length; ) {
      const piece = 1 + (next() % 8);
      for (const f of d.push(wire.subarray(at, at + piece))) tally(f);
      at += piece;
    }
    if (next() % 16 === 0) for (const f of d.push(Uint8Array.of(next() % 2 ? 0x2b : 0x03))) tally(f);
  }
  function tally(f: Frame): void {
    if (f.kind === 'packet') {
      decoded++;
      got.push(Buffer.from(unescapeBinary(f.data) ?? []).toString('hex'));
    }
    if (f.kind === 'bad-checksum') badSums++;
  }
  // A corrupted packet either fails its checksum or (a body byte flipped into a framing byte) never frames: none of
  // them may decode as a good packet, and every good packet must come out exactly once, in order.
  assert.equal(decoded, good);
  assert.deepEqual(got, expected);
  assert.ok(badSums > 3000, `bad checksums seen: ${badSums}`);
});
