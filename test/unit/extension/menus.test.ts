// package.json's menus contribute only to menu ids that VS Code 1.100 shows to an extension: an id it does not know
// (such as a Watch view context menu) is accepted silently and never shown, which is how issue 16's dead entries came.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/**
 * The menu ids VS Code 1.100.3 offers extensions without a proposed API (its `apiMenus` table, read from the workbench
 * of code-server 4.100.3). Those proposed-only (editor/context/share, debug/createConfiguration, …) are left out:
 * a published extension cannot use them.
 */
const MENUS_1_100 = [
  'commandPalette',
  'touchBar',
  'editor/title',
  'editor/title/run',
  'editor/context',
  'editor/context/copy',
  'explorer/context',
  'editor/title/context',
  'debug/callstack/context',
  'debug/variables/context',
  'debug/toolBar',
  'notebook/variables/context',
  'menuBar/edit/copy',
  'scm/title',
  'scm/sourceControl',
  'scm/resourceState/context',
  'scm/resourceFolder/context',
  'scm/resourceGroup/context',
  'scm/change/title',
  'statusBar/remoteIndicator',
  'terminal/context',
  'terminal/title/context',
  'view/title',
  'view/item/context',
  'comments/commentThread/title',
  'comments/commentThread/context',
  'comments/comment/title',
  'comments/comment/context',
  'notebook/toolbar',
  'notebook/cell/title',
  'notebook/cell/execute',
  'interactive/toolbar',
  'interactive/cell/title',
  'issue/reporter',
  'testing/item/context',
  'testing/item/gutter',
  'testing/profiles/context',
  'testing/item/result',
  'testing/message/context',
  'testing/message/content',
  'extension/context',
  'timeline/title',
  'timeline/item/context',
  'ports/item/context',
  'ports/item/origin/inline',
  'ports/item/port/inline',
  'file/newFile',
  'webview/context',
  'editor/lineNumber/context',
  'searchPanel/aiResults/commands',
];

/** The menus Hartline contributes to, and where each shows. A new one must be added here, with its place. */
const USED: Record<string, string> = {
  commandPalette: 'the Command Palette (F1): which commands it lists, and when',
  'debug/toolBar': 'the floating debug toolbar: Reverse Step Into and Reverse Step Out beside their forward twins',
  'editor/title': "the editor's title bar while stopped: Previous / Next CPU Switch",
  'debug/variables/context': 'right-click on a variable in the Variables view: Last Write',
  'debug/callstack/context': "right-click on a hart (thread) in the Call Stack: that hart's reverse steps",
  'explorer/context': 'right-click on a .hartrec or .elf in the Explorer: dump, find races, hunt',
  'view/title': "the Races view's title bar: Find Races",
};

test('every menu package.json contributes to is one VS Code 1.100 shows, and is listed with where it shows', () => {
  const menus = Object.keys(pkg.contributes.menus ?? {});
  assert.ok(menus.length > 0, 'package.json contributes menus');
  for (const id of menus) {
    assert.ok(MENUS_1_100.includes(id), `menu "${id}" does not exist in VS Code 1.100: its entries are never shown`);
    assert.ok(USED[id], `menu "${id}" is not listed in USED (with where it shows)`);
  }
  for (const id of Object.keys(USED))
    assert.ok(menus.includes(id), `USED lists "${id}", which package.json no longer uses`);
});

test('every menu entry names a command package.json contributes', () => {
  const commands = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
  for (const [id, entries] of Object.entries(pkg.contributes.menus as Record<string, { command?: string }[]>))
    for (const e of entries) assert.ok(e.command && commands.has(e.command), `${id}: ${e.command} is not a command`);
});

test("the list of VS Code 1.100's menus matches the workbench of the cached code-server", (t) => {
  const workbench = '.cache/code-server/node_modules/code-server/lib/vscode/out/vs/code/browser/workbench/workbench.js';
  const version = '.cache/code-server/node_modules/code-server/lib/vscode/package.json';
  if (!existsSync(workbench)) {
    if (process.env.CI === 'true') assert.fail(`no code-server at ${workbench} (scripts/e2e/install-code-server.sh)`);
    t.skip(`no code-server at ${workbench}: the list is checked against it when it is installed`);
    return;
  }
  assert.match(JSON.parse(readFileSync(version, 'utf8')).version, /^1\.100\./);
  const text = readFileSync(join(workbench), 'utf8');
  const offered = new Set<string>();
  // Entries of the apiMenus table: {key:"editor/title",id:…,description:…[,proposed:"…"]…}.
  for (const m of text.matchAll(/\{key:"([\w/]+)",id:[\w$.]+,[^}]*\}/g)) if (!/proposed:/.test(m[0])) offered.add(m[1]);
  assert.ok(offered.size > 40, `read ${offered.size} menu ids from the workbench`);
  assert.deepEqual([...offered].sort(), [...MENUS_1_100].sort());
  assert.ok(!offered.has('debug/watch/context'), 'the Watch view has no extension menu');
});
