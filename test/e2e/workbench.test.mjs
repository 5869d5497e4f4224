// End-to-end test in a real VS Code (code-server 4.100.3) driven through Debian's Chromium with playwright-core:
// record the racy counter, replay it, step back from the toolbar, and check markers, timeline and Disassembly view.
// Screenshots of each step go to out/e2e/screenshots/ (and docs/images/ with HARTLINE_SCREENSHOTS_TO_DOCS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCodeServer, CHROMIUM, CHROMIUM_ARGS, ROOT } from '../../scripts/e2e/code-server.mjs';

const EXAMPLE = join(ROOT, 'examples/racy-counter');
const SHOTS = join(ROOT, 'out/e2e/screenshots');
const DOCS = join(ROOT, 'docs/images');
const ci = process.env.CI === 'true';

/** Why the suite cannot run here, or undefined. In CI that is a failure, never a skip. */
function missing() {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (!existsSync(join(ROOT, 'dist/extension.js'))) return 'dist/extension.js is missing (npm run build)';
  return undefined;
}

let cs, browser, page;
const skip = missing();
if (skip && ci) throw new Error(`e2e cannot run: ${skip}`);

before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  rmSync(join(EXAMPLE, 'racy_counter.hartrec'), { force: true });
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  cs = await startCodeServer({ folder: EXAMPLE, settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(cs.url);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90_000 });
  await page.waitForTimeout(1500);
});

after(async () => {
  await browser?.close();
  await cs?.stop();
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
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
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
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
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

/** The file and line of the editor's top stack frame decoration (the yellow current line). */
async function currentLine() {
  await page.locator('.monaco-editor .debug-top-stack-frame').first().waitFor({ timeout: 30_000 });
  return page.evaluate(() => {
    const ed = document.querySelector('.editor-group-container.active .monaco-editor') ?? document.querySelector('.monaco-editor');
    const glyph = ed.querySelector('.debug-top-stack-frame');
    const top = glyph.closest('[style*="top"]')?.style.top ?? glyph.parentElement.style.top;
    const numbers = [...ed.querySelectorAll('.margin-view-overlays > div')].find((d) => d.style.top === top);
    const tab = document.querySelector('.tab.active')?.getAttribute('aria-label') ?? '';
    return `${tab.split(',')[0]}:${numbers?.querySelector('.line-numbers')?.textContent?.trim()}`;
  });
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
  await page.locator('.debug-toolbar .codicon-debug-step-back').click();
  let afterBack = atEnd;
  for (let i = 0; i < 60 && afterBack === atEnd; i++) {
    await page.waitForTimeout(500);
    afterBack = await currentLine().catch(() => atEnd);
  }
  assert.notEqual(afterBack, atEnd, `Step Back moved the current line (was ${atEnd})`);
  await shot('03-step-back');

  // 4. CPU-switch markers in the editor DOM, and the timeline's lanes.
  await openFile('hart.c');
  await page.waitForTimeout(800);
  const markers = await page.evaluate(() => {
    const classes = new Set();
    for (const sheet of document.styleSheets) {
      let rules; try { rules = sheet.cssRules; } catch { continue; }
      for (const r of rules) if (r.cssText.includes('media/markers/hart')) for (const m of r.selectorText?.matchAll(/\.([\w-]+)/g) ?? []) classes.add(m[1]);
    }
    let n = 0;
    for (const c of classes) n += document.querySelectorAll(`.monaco-editor .margin-view-overlays .${CSS.escape(c)}`).length;
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
  await page.locator('.debug-toolbar .codicon-debug-stop').click();
}
