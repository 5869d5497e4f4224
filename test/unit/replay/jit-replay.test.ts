// A recording made with compiled blocks replays on the reference interpreter, and the other way round: checksums
// of the whole machine state are verified along the way and the replay reaches the same end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startRecording, recordToEnd, openReplay } from '../../../src/replay/playback';
import { readRecording } from '../../../src/replay/reader';
import { loadImages } from '../../../src/replay/images';
import { machineState, ramHash } from '../support/jit-differential';

const CASES: [string, number, number][] = [
  ['vm_bench', 1, 3_000_000],
  ['smp_counters', 3, 2_000_000],
  ['bench_small', 1, 2_000_000],
];

for (const [guest, harts, max] of CASES) {
  for (const recordCompiled of [true, false]) {
    test(`${guest}: recorded ${recordCompiled ? 'with' : 'without'} the JIT, replayed ${recordCompiled ? 'without' : 'with'} it`, () => {
      const path = `test/guests/bin/${guest}.elf`;
      const bytes = new Uint8Array(readFileSync(path));
      const chunks: Uint8Array[] = [];
      const rec = startRecording({
        images: [{ role: 'kernel', path, bytes }],
        harts,
        quantum: 777,
        checksumInterval: 50_000,
        sink: (b) => chunks.push(b.slice()),
      });
      rec.machine.exec.compile = recordCompiled;
      const trailer = recordToEnd(rec, max);
      const file = readRecording(new Uint8Array(Buffer.concat(chunks)), `${guest}.hartrec`);
      const replay = openReplay(
        file,
        loadImages(file.header, () => bytes, false),
      );
      replay.machine.exec.compile = !recordCompiled;
      replay.engine.advance(trailer.positions);
      assert.equal(replay.machine.position, trailer.positions);
      assert.ok(
        replay.engine.checksumsVerified >= Math.floor(trailer.positions / 50_000) - 1,
        `only ${replay.engine.checksumsVerified} checksums verified`,
      );
      assert.equal(machineState(replay.machine), machineState(rec.machine));
      assert.equal(ramHash(replay.machine), ramHash(rec.machine));
    });
  }
}
