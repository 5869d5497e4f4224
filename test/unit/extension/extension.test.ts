// Unit tests of the extension's vscode-free parts: the manifest generated from one typed source is up to date and
// complete, switch sites derived from current lines, positions typed by people, source maps and the dump grammar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { activationEvents, contributes, optionsDoc } from '../../../src/extension/contributions';
import { COMMANDS, KEYBINDINGS, WALKTHROUGH } from '../../../src/extension/manifest';
import { SETTINGS } from '../../../src/extension/options';
import { LAUNCH_ATTRIBUTES } from '../../../src/debug/launch-attributes';
import { deriveSites, describeSwitch } from '../../../src/extension/sites';
import { parsePosition, positionText } from '../../../src/extension/positions';
import { mapPaths } from '../../../src/extension/sourceMap';
import { eventLine } from '../../../src/replay/dump-text';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

test('package.json contributes and docs/options.md are generated from src/extension (npm run generate)', () => {
  assert.deepEqual(pkg.contributes, JSON.parse(JSON.stringify(contributes())));
  assert.deepEqual(pkg.activationEvents, activationEvents());
  assert.equal(readFileSync('docs/options.md', 'utf8'), optionsDoc());
});

test('activation is lazy: debug resolution and the commands, never *', () => {
  assert.ok(pkg.activationEvents.includes('onDebugResolve:hartline'));
  assert.ok(!pkg.activationEvents.includes('*') && !pkg.activationEvents.includes('onStartupFinished'));
  assert.equal(pkg.main, './dist/extension.js');
});

test('every command has a category, an icon that exists and a when clause', () => {
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, 'Hartline', c.command);
    assert.ok(c.icon, c.command);
    if (typeof c.icon === 'object') for (const p of [c.icon.light, c.icon.dark]) assert.ok(existsSync(p), p);
  }
  for (const c of COMMANDS) assert.ok(c.when.length > 0, c.id);
  const menus = pkg.contributes.menus;
  const inMenu = (menu: string, id: string) => (menus[menu] ?? []).some((m: { command: string }) => m.command === id);
  assert.ok(inMenu('debug/toolBar', 'hartline.reverseStepIn') && inMenu('debug/toolBar', 'hartline.reverseStepOut'));
  assert.ok(inMenu('debug/variables/context', 'hartline.lastWrite'));
  // VS Code 1.100 has no Watch context menu for extensions: an entry there would never show.
  assert.equal(menus['debug/watch/context'], undefined);
  // The reverse buttons sit right after their forward twins (VS Code's Step Into is 30, Step Out 40).
  const order = (id: string) =>
    Number(menus['debug/toolBar'].find((m: { command: string }) => m.command === id).group.split('@')[1]);
  assert.ok(
    order('hartline.reverseStepIn') > 30 &&
      order('hartline.reverseStepIn') < 40 &&
      order('hartline.reverseStepOut') > 40 &&
      order('hartline.reverseStepOut') < 50,
  );
  assert.ok(
    inMenu('debug/callstack/context', 'hartline.stepBackHart') &&
      inMenu('debug/callstack/context', 'hartline.lineBackHart'),
  );
});

test('Step Back and Reverse Continue keys apply only while a hartline session is stopped', () => {
  for (const id of ['workbench.action.debug.stepBack', 'workbench.action.debug.reverseContinue']) {
    const k = KEYBINDINGS.find((b) => b.command === id);
    assert.ok(k && /debugType == 'hartline'/.test(k.when) && /debugState == 'stopped'/.test(k.when), id);
  }
});

test('launch attributes and settings have descriptions and bounds; snippets are the three the issue names', () => {
  for (const o of LAUNCH_ATTRIBUTES) assert.ok(o.description.length > 10, o.name);
  for (const s of SETTINGS)
    if (s.type === 'integer') assert.ok(s.minimum !== undefined && s.maximum !== undefined, s.key);
  const dbg = pkg.contributes.debuggers[0];
  assert.deepEqual(
    dbg.configurationSnippets.map((s: { label: string }) => s.label),
    ['Hartline: Record', 'Hartline: Replay recording', 'Hartline: Record OpenSBI boot'],
  );
  assert.deepEqual(dbg.configurationAttributes.launch.properties.mode.enum, ['record', 'replay']);
  assert.deepEqual(
    pkg.contributes.breakpoints.map((b: { language: string }) => b.language),
    ['c', 'cpp', 'riscv'],
  );
  for (const s of WALKTHROUGH.steps) assert.ok(existsSync(s.media), s.media);
});

test('a waiting hart marks where it was switched out and where it will be switched in', () => {
  const switches = [
    { position: 0, hart: 0 },
    { position: 100, hart: 1 },
    { position: 180, hart: 0 },
    { position: 300, hart: 1 },
  ];
  const locations = [
    { hart: 0, path: '/a.c', line: 5 },
    { hart: 1, path: '/b.c', line: 9 },
  ];
  const sites = deriveSites(switches, 200, 0, locations, 8);
  assert.deepEqual(sites, [
    { position: 180, from: 1, to: 0, out: { path: '/b.c', line: 9 } },
    { position: 300, from: 0, to: 1, in: { path: '/b.c', line: 9 } },
  ]);
  assert.equal(
    describeSwitch({ position: 1204331, from: 1, to: 3 }, 'chaos slice'),
    'hart 1 → hart 3 at position 1,204,331 (chaos slice)',
  );
  assert.equal(
    describeSwitch({ position: 5120, from: 0, to: 2, cause: 'wfi', wake: 'timer interrupt' }, undefined),
    'hart 0 → hart 2 at position 5,120 (wfi; hart 2 woken by timer interrupt)',
  );
  assert.deepEqual(deriveSites(switches, 200, 0, locations, 0), []);
});

test('positions typed with separators or relative to the cursor', () => {
  assert.equal(parsePosition('1,204,331', 0), 1204331);
  assert.equal(parsePosition('1_000', 0), 1000);
  assert.equal(parsePosition('+50', 100), 150);
  assert.equal(parsePosition('-500', 100), 0);
  assert.equal(parsePosition('abc', 0), undefined);
  assert.equal(positionText(1204331, 9876543), '⏱ 1,204,331 / 9,876,543');
});

test('sourceMap rewrites paths under a mapped folder only', () => {
  const body = { stackFrames: [{ source: { path: '/build/lib/hart.c' } }, { source: { path: '/buildx/y.c' } }] };
  mapPaths(body, [['/build', '/work/ex']]);
  assert.equal(body.stackFrames[0].source.path, '/work/ex/lib/hart.c');
  assert.equal(body.stackFrames[1].source.path, '/buildx/y.c');
});

test('the dump grammar recognises event lines as the dump writes them', () => {
  const g = JSON.parse(readFileSync('syntaxes/hartline-dump.tmLanguage.json', 'utf8'));
  const event = new RegExp(g.repository.event.match);
  const line = eventLine({ position: 1204331, hart: 3, kind: 'switch' } as Parameters<typeof eventLine>[0]);
  const m = event.exec(line);
  assert.ok(m, line);
  assert.equal(m![1], '1204331');
  assert.equal(m![2], 'h3');
  assert.equal(m![3], 'switch');
});
