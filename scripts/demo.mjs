// `npm run demo`: the extension's story without a window. Records the racy counter under chaos with the CLI, replays
// and verifies the recording, then drives the debug adapter backwards from the end (Last Write to `counter`, again and
// again) and prints the writes that collided: two harts storing the same value, so one increment was lost.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'examples/racy-counter');
const ELF = join(EXAMPLE, 'racy_counter.elf');
const MAX_COLLISIONS = 3;
const MAX_WRITES = 400;
const fmt = (n) => Number(n).toLocaleString('en-US');

function cli(args) {
  console.log(`$ hartline ${args.map((a) => (a.startsWith(ROOT + '/') ? relative(ROOT, a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/hartline.js'), ...args], { encoding: 'utf8' });
  process.stdout.write(r.stdout.replace(/^/gm, '  '));
  process.stderr.write(r.stderr.replace(/^/gm, '  '));
  return { status: r.status, output: r.stdout + r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'hartline-demo-'));
const recording = join(dir, 'racy_counter.hartrec');
try {
  console.log('1. Record the racy counter on 4 harts under a chaos schedule (seed 7).');
  const rec = cli([
    'record',
    ELF,
    '-o',
    recording,
    '--harts',
    '4',
    '--schedule',
    'chaos',
    '--seed',
    '7',
    '--quantum',
    '200',
  ]);
  // The guest exits with 1 when it detects lost updates; anything else is a failure of the tool.
  if (rec.status !== 0 && rec.status !== 1) throw new Error(`record failed with exit code ${rec.status}`);
  console.log('\n2. Replay it and verify every checksum against the recording.');
  const rep = cli(['replay', recording, '--verify']);
  if (rep.status !== rec.status || !/verified/.test(rep.output))
    throw new Error('the replay diverged from the recording');

  console.log('\n3. Go to the end of the recording and find the writes to `counter`, backwards.');
  const dc = new DebugClient(process.execPath, join(ROOT, 'dist/debugAdapter.js'), 'hartline');
  await dc.start();
  try {
    await dc.initializeRequest();
    const first = dc.waitForEvent('stopped', 60_000);
    await dc.launch({ mode: 'replay', recording, program: ELF, startAt: 'end', cwd: EXAMPLE });
    await dc.configurationDoneRequest();
    await first;
    const value = async () => (await dc.evaluateRequest({ expression: 'counter', context: 'watch' })).body.result;
    const where = async (threadId) => {
      const f = (await dc.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0];
      // The examples are built with their sources under /hartline/examples (the launch configurations' sourceMap).
      const path = f?.source?.path?.replace(/^\/hartline\/examples\//, join(ROOT, 'examples') + '/');
      return path ? `${relative(ROOT, path)}:${f.line}` : (f?.name ?? '?');
    };
    const tally = (await dc.evaluateRequest({ expression: 'tally', context: 'watch' })).body.result;
    console.log(`   at the end, counter = ${await value()}, but the harts added ${tally} (the atomic tally)`);
    let later;
    let collisions = 0;
    for (let n = 0; n < MAX_WRITES && collisions < MAX_COLLISIONS; n++) {
      const stopped = dc.waitForEvent('stopped', 60_000);
      await dc.customRequest('hartline/lastWrite', { expression: 'counter' });
      const ev = await stopped;
      const { position } = (await dc.customRequest('hartline/position')).body;
      if (position === 0 || ev.body.description === 'start of recording') break;
      const write = { position, hart: ev.body.threadId - 1, value: await value(), line: await where(ev.body.threadId) };
      if (later && later.value === write.value && later.hart !== write.hart) {
        collisions++;
        console.log(
          `   collision: hart ${write.hart} at ${fmt(write.position)} and hart ${later.hart} at ${fmt(later.position)} both wrote ${write.value}` +
            ` (${write.line}): hart ${later.hart} loaded counter before hart ${write.hart} stored it, so one increment was lost`,
        );
      }
      later = write;
    }
    if (collisions === 0) console.log(`   no colliding writes among the last ${MAX_WRITES} writes`);
  } finally {
    await dc.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
