// The extension's vscode-free helpers behind getting started, recordings that are never lost, CPU-switch markers
// that group by line, the Hart Timeline panel's contribution, the travel history and bookmarks.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contributes } from '../../../src/extension/contributions';
import { TIMELINE_CONTAINER, TIMELINE_VIEW } from '../../../src/extension/manifest';
import { freshRecordingPath, looksLikeRecording, recordingPathOf } from '../../../src/extension/recordings';
import { describeLine, markLines, SwitchSite } from '../../../src/extension/sites';
import { bookmarksPath, loadBookmarks, saveBookmarks, TravelHistory } from '../../../src/extension/travel';
import { MAGIC } from '../../../src/replay/format';

const dir = mkdtempSync(join(tmpdir(), 'hartline-ext-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a new recording never replaces an old one: it takes the next free name-N.hartrec', () => {
  const taken = new Set(['/w/racy.hartrec', '/w/racy-2.hartrec']);
  assert.equal(
    freshRecordingPath('/w/new.hartrec', (p) => taken.has(p)),
    '/w/new.hartrec',
  );
  assert.equal(
    freshRecordingPath('/w/racy.hartrec', (p) => taken.has(p)),
    '/w/racy-3.hartrec',
  );
  assert.equal(
    freshRecordingPath('/w/racy-2.hartrec', (p) => taken.has(p)),
    '/w/racy-3.hartrec',
  );
  assert.equal(recordingPathOf({ program: 'bin/a.elf', cwd: '/w' }), '/w/bin/a.hartrec');
  assert.equal(recordingPathOf({ program: 'a.elf', recording: 'r/x.hartrec', cwd: '/w' }), '/w/r/x.hartrec');
  assert.equal(recordingPathOf({ recording: '${command:hartline.pickRecording}' }), undefined);
});

test('only files that start like a recording are offered for replay', () => {
  const empty = join(dir, 'empty.hartrec'),
    foreign = join(dir, 'foreign.hartrec'),
    real = join(dir, 'real.hartrec');
  writeFileSync(empty, '');
  writeFileSync(foreign, 'not a recording at all');
  writeFileSync(real, Buffer.concat([Buffer.from(MAGIC), Buffer.from([2, 0, 0, 0])]));
  assert.equal(looksLikeRecording(empty), false);
  assert.equal(looksLikeRecording(foreign), false);
  assert.equal(looksLikeRecording(real), true);
  assert.equal(looksLikeRecording(join(dir, 'missing.hartrec')), false);
});

test('switches on one line make one marker that counts them and says why each happened', () => {
  const sites: SwitchSite[] = [
    { position: 100, from: 0, to: 2, cause: 'chaos slice', out: { path: '/s/race.c', line: 6 } },
    { position: 300, from: 0, to: 1, cause: 'wfi', out: { path: '/s/race.c', line: 6 } },
    {
      position: 500,
      from: 3,
      to: 0,
      cause: 'interrupt',
      in: { path: '/s/race.c', line: 6 },
      out: { path: '/s/idle.c', line: 2 },
    },
  ];
  const lines = markLines(sites, 480);
  const race = lines.find((m) => m.path === '/s/race.c')!;
  assert.equal(race.way, 'many');
  assert.equal(race.entries.length, 3);
  assert.equal(race.hart, 0, 'the colour of the switch nearest the cursor');
  const hover = describeLine(race, undefined).split('\n');
  assert.equal(hover[0], '3 switches: hart 0 → 2, hart 0 → 1, hart 3 → 0');
  assert.deepEqual(hover.slice(1), [
    'out: hart 0 → hart 2 at position 100 (chaos slice)',
    'out: hart 0 → hart 1 at position 300 (wfi)',
    'in: hart 3 → hart 0 at position 500 (interrupt)',
  ]);
  const idle = lines.find((m) => m.path === '/s/idle.c')!;
  assert.deepEqual([idle.way, idle.hart, describeLine(idle, undefined).split('\n')[0]], ['out', 3, 'Switched out']);
});

test('the Hart Timeline is a view of its own in the bottom panel, and Run and Debug has a welcome view', () => {
  const c = contributes() as {
    viewsContainers: { panel: { id: string }[] };
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
  };
  assert.deepEqual(
    c.viewsContainers.panel.map((v) => v.id),
    [TIMELINE_CONTAINER],
  );
  assert.deepEqual(
    c.views[TIMELINE_CONTAINER].map((v) => v.id),
    [TIMELINE_VIEW],
  );
  assert.ok(!(c.views.debug ?? []).some((v) => v.id === TIMELINE_VIEW), 'no longer a narrow pane in Run and Debug');
  const welcome = c.viewsWelcome.find((w) => w.view === 'debug')!;
  assert.match(welcome.contents, /command:hartline\.recordWorkspace/);
  assert.match(welcome.contents, /command:hartline\.replayRecording/);
});

test("travel history goes back and forward like the editor's, and a new stop drops what was ahead", () => {
  const h = new TravelHistory();
  for (const p of [0, 100, 250, 250, 400]) h.visit(p);
  assert.equal(h.back(), 250);
  h.visit(250); // the stop of that travel
  assert.equal(h.back(), 100);
  h.visit(100);
  assert.equal(h.forward(), 250);
  h.visit(250);
  assert.ok(h.canGoForward);
  h.visit(42); // somewhere new: 400 is forgotten
  assert.equal(h.canGoForward, false);
  assert.equal(h.back(), 250);
  h.visit(250);
  assert.equal(h.back(), 100);
  h.visit(100);
  assert.equal(h.back(), 0);
  h.visit(0);
  assert.equal(h.back(), undefined);
});

test('bookmarks are kept beside the recording, sorted, and a damaged file reads as none', () => {
  const rec = join(dir, 'racy.hartrec');
  assert.deepEqual(loadBookmarks(rec), []);
  saveBookmarks(rec, [
    { position: 900, name: 'second write', hart: 1 },
    { position: 40, name: 'first' },
  ]);
  assert.equal(bookmarksPath(rec), rec + '.bookmarks.json');
  assert.deepEqual(loadBookmarks(rec), [
    { position: 40, name: 'first', hart: undefined },
    { position: 900, name: 'second write', hart: 1 },
  ]);
  assert.equal(JSON.parse(readFileSync(bookmarksPath(rec), 'utf8')).version, 1);
  writeFileSync(bookmarksPath(rec), '{ not json');
  assert.deepEqual(loadBookmarks(rec), []);
  writeFileSync(
    bookmarksPath(rec),
    JSON.stringify({
      bookmarks: [
        { position: -1, name: 'x' },
        { position: 5, name: 7 },
        { position: 6, name: 'ok' },
      ],
    }),
  );
  assert.deepEqual(
    loadBookmarks(rec).map((b) => b.name),
    ['ok'],
  );
});

test('a sourceMap entry is found from the longest tail of the missing path under the folder chosen', async () => {
  const { sourceMapEntry } = await import('../../../src/extension/sourceMap');
  const here = new Set(['/home/me/src/race.c', '/home/me/src/lib/util.c']);
  assert.deepEqual(
    sourceMapEntry('/build/ci/src/race.c', '/home/me/src', (p) => here.has(p)),
    ['/build/ci/src', '/home/me/src'],
  );
  assert.deepEqual(
    sourceMapEntry('/build/ci/src/lib/util.c', '/home/me/src', (p) => here.has(p)),
    ['/build/ci/src', '/home/me/src'],
  );
  assert.deepEqual(
    sourceMapEntry('/build/ci/src/lib/util.c', '/home/me/src/', (p) => here.has(p)),
    ['/build/ci/src', '/home/me/src'],
  );
  assert.equal(
    sourceMapEntry('/build/ci/other.c', '/home/me/src', (p) => here.has(p)),
    undefined,
  );
});
