// End-to-end test in a real VS Code (code-server 4.100.3) driven through Debian's Chromium with playwright-core:
// record the racy counter, replay it, step back from the toolbar, and check markers, timeline and Disassembly view.
// Screenshots of each step go to out/e2e/screenshots/ (and docs/images/ with HARTLINE_SCREENSHOTS_TO_DOCS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, startCodeServer, CHROMIUM, CHROMIUM_ARGS, ROOT } from '../../scripts/e2e/code-server.mjs';

let EXAMPLE;
const SHOTS = join(ROOT, 'out/e2e/screenshots');
const DOCS = join(ROOT, 'docs/images');
const SUITE = join(ROOT, 'out/e2e/suite/index.js');
const RESULTS = join(ROOT, 'out/e2e/extension-host-results.json');
const ci = process.env.CI === 'true';

/** Why the suite cannot run here, or undefined. In CI that is a failure, never a skip. */
function missing() {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (!existsSync(join(ROOT, 'dist/extension.js'))) return 'dist/extension.js is missing (npm run build)';
  if (!existsSync(SUITE)) return 'out/e2e/suite/index.js is missing (run through npm run test:e2e)';
  return undefined;
}

let cs, browser, page;
const skip = missing();
if (skip && ci) throw new Error(`e2e cannot run: ${skip}`);

before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  // A scratch copy: the record step must not overwrite the committed recording.
  EXAMPLE = copyExample('racy-counter');
  rmSync(join(EXAMPLE, 'racy_counter.hartrec'), { force: true });
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  cs = await startCodeServer({ folder: EXAMPLE, env: { HARTLINE_E2E_RESULTS: RESULTS }, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(cs.url);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90_000 });
  await page.waitForTimeout(1500);
});

after(async () => {
  await browser?.close();
  await cs?.stop();
  if (EXAMPLE) rmSync(join(EXAMPLE, '..', '..'), { recursive: true, force: true });
});

async function shot(name) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  if (process.env.HARTLINE_SCREENSHOTS_TO_DOCS === '1') {
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, `${name}.png`) });
  }
}

/** Runs a command through the Command Palette, as a user would. */
async function palette(text, pick) {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; ; i++) {
    await page.keyboard.press('F1');
    try { await input.waitFor({ state: 'visible', timeout: 5000 }); break; } catch (e) { if (i === 3) throw e; await page.keyboard.press('Escape'); }
  }
  await input.fill('>' + text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor();
  await page.keyboard.press('Enter');
  if (pick) {
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.getByText(pick, { exact: true }) }).first();
    await row.waitFor();
    await row.click();
  }
}

async function openFile(name) {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; ; i++) {
    await page.keyboard.press('Control+P');
    try { await input.waitFor({ state: 'visible', timeout: 5000 }); break; } catch (e) { if (i === 3) throw e; await page.keyboard.press('Escape'); }
  }
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
}

/** The call stack's thread rows, once the session has stopped. */
async function threads() {
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'hart 0' }).first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(500);
  return page.locator('.debug-call-stack .monaco-list-row').allInnerTexts();
}

/** The file and line of the current-line arrow in the editor (the top or focused stack frame). */
async function currentLine() {
  const arrow = '.monaco-editor .codicon-debug-stackframe, .monaco-editor .codicon-debug-stackframe-focused';
  await page.locator(arrow).first().waitFor({ timeout: 30_000 });
  return page.evaluate((sel) => {
    const glyph = document.querySelector(sel);
    const y = glyph.getBoundingClientRect().top;
    const ed = glyph.closest('.monaco-editor');
    let best, dist = Infinity;
    for (const n of ed.querySelectorAll('.line-numbers')) {
      const d = Math.abs(n.getBoundingClientRect().top - y);
      if (d < dist) { dist = d; best = n; }
    }
    const tab = document.querySelector('.tab.active')?.getAttribute('aria-label') ?? '';
    return `${tab.split(',')[0]}:${best?.textContent?.trim()}`;
  }, arrow);
}

test('record, replay, step back, markers, timeline and disassembly in a real VS Code', { skip, timeout: 600_000 }, async () => {
  try {
    await story();
  } catch (e) {
    await page.screenshot({ path: join(SHOTS, 'failure.png') }).catch(() => {});
    console.error(`code-server log:\n${cs.log.slice(-4000)}`);
    throw e;
  }
});

async function story() {
  // 1. The example workspace is open.
  await openFile('racy_counter.c');
  await page.keyboard.press('Control+Shift+D');
  await shot('01-workspace');

  // 2. Record: one thread per hart in the Call Stack.
  await palette('Debug: Select and Start Debugging', 'Record (chaos)');
  const recorded = await threads();
  assert.equal(recorded.filter((t) => /hart \d/.test(t)).length, 4, `one thread per hart, got ${JSON.stringify(recorded)}`);
  await shot('02-record-threads');

  // 3. Stop, replay, and step back with the toolbar's Step Back button.
  await page.locator('.debug-toolbar .codicon-debug-stop').click();
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  assert.ok(existsSync(join(EXAMPLE, 'racy_counter.hartrec')), 'the record session wrote racy_counter.hartrec');
  await palette('Debug: Select and Start Debugging', 'Replay');
  await threads();
  const atEnd = await currentLine();
  // From the end the program spins in its exit loop: a step back may land on the same line, so press up to 4 times.
  let afterBack = atEnd;
  for (let press = 0; press < 4 && afterBack === atEnd; press++) {
    const position = await page.locator('.statusbar-item', { hasText: '⏱' }).first().innerText().catch(() => '');
    await page.locator('.debug-toolbar .codicon-debug-step-back').click();
    for (let i = 0; i < 40; i++) {
      await page.waitForTimeout(250);
      if ((await page.locator('.statusbar-item', { hasText: '⏱' }).first().innerText().catch(() => '')) !== position) break;
    }
    await page.waitForTimeout(500);
    afterBack = await currentLine().catch(() => atEnd);
  }
  assert.notEqual(afterBack, atEnd, `Step Back moved the current line (was ${atEnd})`);
  await shot('03-step-back');

  // 4. CPU-switch markers in the editor DOM, and the timeline's lanes.
  // Another hart's frame: its source opens where it waits, among the lines where harts were switched out and in.
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: /^\s*hart 0\b/ }).first().click();
  await page.keyboard.press('ArrowLeft');
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: /^\s*hart 1\b/ }).first().click();
  await page.keyboard.press('ArrowRight');
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'hart.c' }).first().click();
  await page.locator('.tab.active[aria-label*="hart.c"]').waitFor();
  await page.waitForTimeout(1000);
  const markers = await page.evaluate(() => {
    const classes = new Set();
    for (const sheet of document.styleSheets) {
      let rules; try { rules = sheet.cssRules; } catch { continue; }
      for (const r of rules) if (/media(\/|%2F)markers(\/|%2F)hart\d+-(in|out)\.svg/i.test(r.cssText)) for (const m of r.selectorText?.matchAll(/\.([\w-]+)/g) ?? []) classes.add(m[1]);
    }
    let n = 0;
    for (const c of classes) n += document.querySelectorAll(`.monaco-editor .${CSS.escape(c)}`).length;
    return n;
  });
  assert.ok(markers > 0, 'CPU-switch gutter markers are drawn in hart.c');
  const timeline = page.locator('.pane-header', { hasText: 'Hart Timeline' });
  if ((await timeline.getAttribute('aria-expanded')) !== 'true') await timeline.click();
  let lanes = 0;
  for (let i = 0; i < 60 && lanes === 0; i++) {
    for (const f of page.frames()) {
      const v = await f.evaluate(() => document.getElementById('lanes')?.dataset.lanes).catch(() => undefined);
      if (v) lanes = Number(v);
    }
    if (!lanes) await page.waitForTimeout(500);
  }
  assert.equal(lanes, 4, 'the timeline draws one lane per hart');
  await shot('04-markers-timeline');

  // 5. The Disassembly view shows instructions.
  await palette('Open Disassembly View');
  const row = page.locator('.disassembly-view .monaco-list-row', { hasText: /\b(addi|ld|sd|auipc|jal|lw|sw|beq|bne|wfi|csrr)\b/ }).first();
  await row.waitFor({ timeout: 30_000 });
  await shot('05-disassembly');

  // 6. The race itself: the last write to `counter`, with the switches around it, and the recording's dump.
  await page.keyboard.press('Control+K');
  await page.keyboard.press('W');
  for (const pane of ['Watch', 'Breakpoints']) {
    const header = page.locator('.pane-header', { hasText: new RegExp(`^\\s*${pane}`, 'i') }).first();
    if ((await header.getAttribute('aria-expanded').catch(() => null)) === 'true') await header.click();
  }
  await palette('Hartline: Last Write to…');
  const input = page.locator('.quick-input-widget input');
  await input.fill('counter');
  await page.keyboard.press('Enter');
  await page.locator('.tab.active[aria-label*="racy_counter.c"]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500);
  await shot('00-replay-session');
  await palette('Hartline: Open Recording Dump');
  await page.locator('.tab.active[aria-label*="hartrec.dump"]').waitFor({ timeout: 30_000 });
  await page.locator('.monaco-editor .view-line', { hasText: 'switch' }).first().waitFor();
  await shot('06-recording-dump');
  await page.locator('.debug-toolbar .codicon-debug-stop').click();
}

test('the extension-host suite passes inside code-server', { skip, timeout: 300_000 }, async () => {
  // The same suite @vscode/test-electron runs (scripts/e2e/electron.mjs), loaded by the browser workbench's payload.
  await page.close();
  rmSync(RESULTS, { force: true });
  const remote = (p) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(SUITE)]];
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${cs.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const deadline = Date.now() + 240_000;
  while (!existsSync(RESULTS)) {
    if (Date.now() > deadline) { await page.screenshot({ path: join(SHOTS, 'suite-failure.png') }); throw new Error('the extension-host suite wrote no results'); }
    await new Promise((r) => setTimeout(r, 500));
  }
  const results = JSON.parse(readFileSync(RESULTS, 'utf8'));
  for (const s of results.steps) console.log(`  ${s.ok ? 'ok' : 'FAILED'} ${s.name} (${s.ms} ms)${s.error ? '\n' + s.error : ''}`);
  assert.ok(results.ok, 'every step of the extension-host suite passed');
});
