// End-to-end test in a real VS Code (code-server 4.100.3) driven through Debian's Chromium with playwright-core, as a
// firmware developer would use it: the welcome view and a generated launch.json, recording (twice: the first is kept),
// the UART terminal, replay and Step Back, CPU-switch markers and their hovers, the Hart Timeline panel, a data
// breakpoint from the Globals scope whose stop says what changed, the Disassembly view with symbols, bookmarks and travel
// history, the recording dump, and no toasts for ordinary gestures. Screenshots of each step go to
// out/e2e/screenshots/ (and docs/images/ with HARTLINE_SCREENSHOTS_TO_DOCS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
  // A folder with no launch configuration, as a new user has: the story creates one, then uses the example's.
  renameSync(join(EXAMPLE, '.vscode', 'launch.json'), join(EXAMPLE, '..', 'example-launch.json'));
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  cs = await startCodeServer({
    folder: EXAMPLE,
    env: { HARTLINE_E2E_RESULTS: RESULTS },
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.minimap.enabled': false,
      // The DOM renderer, so that the UART terminal's text can be read from the page.
      'terminal.integrated.gpuAcceleration': 'off',
    },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(cs.url);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90_000 });
  // The workbench is ready for keys once the Explorer lists the folder.
  await page
    .locator('.explorer-folders-view .monaco-list-row', { hasText: 'racy_counter.c' })
    .first()
    .waitFor({ timeout: 90_000 });
});

after(async () => {
  await browser?.close();
  await cs?.stop();
  if (EXAMPLE) rmSync(join(EXAMPLE, '..', '..'), { recursive: true, force: true });
});

async function shot(name) {
  // Two animation frames: what the last step changed is painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
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
    // A quick input still closing from the previous command takes no typing: wait until it is gone.
    await page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => page.keyboard.press('Escape'));
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill('>' + text, { timeout: 5000 });
      break;
    } catch (e) {
      if (i === 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor();
  await page.keyboard.press('Enter');
  if (pick) {
    const row = page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.getByText(pick, { exact: true }) })
      .first();
    await row.waitFor();
    await row.click();
  }
}

/**
 * Opens `name` through Quick Open and waits for its tab. A click on a result row that the list re-renders under the
 * pointer (it refilters as the workbench indexes files) opens nothing, so the open is made again until the tab is
 * active, up to four times; the tab's becoming active is what is waited for, never a delay.
 */
async function openFile(name) {
  const tab = page.locator(`.tab.active[aria-label*="${name}"]`);
  for (let i = 0; ; i++) {
    await quickOpen(name);
    try {
      await tab.waitFor({ timeout: 10_000 });
      return;
    } catch (e) {
      if (i === 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

async function quickOpen(name) {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; ; i++) {
    await page.keyboard.press('Control+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch (e) {
      if (i === 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await input.fill(name);
  const row = page
    .locator('.quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }),
    })
    .first();
  await row.waitFor();
  await row.click();
}

/** The call stack's thread rows, once the session has stopped and the last of its `harts` harts is listed. */
async function threads(harts = 4) {
  // With one hart the Call Stack lists its frames, with no thread rows.
  await page
    .locator('.debug-call-stack .monaco-list-row', { hasText: harts > 1 ? `hart ${harts - 1}` : /\S/ })
    .first()
    .waitFor({ timeout: 60_000 });
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
    let best,
      dist = Infinity;
    for (const n of ed.querySelectorAll('.line-numbers')) {
      const d = Math.abs(n.getBoundingClientRect().top - y);
      if (d < dist) {
        dist = d;
        best = n;
      }
    }
    const tab = document.querySelector('.tab.active')?.getAttribute('aria-label') ?? '';
    return `${tab.split(',')[0]}:${best?.textContent?.trim()}`;
  }, arrow);
}

/** Toasts that a Hartline gesture raised: there must be none (errors go to the Debug Console). */
async function hartlineToasts() {
  return page
    .locator('.notification-toast', { hasText: /machine is running|syntax error|no variable named|is not an address/ })
    .count();
}

/** The status bar's position, as a number. */
async function statusPosition() {
  const t = await page
    .locator('.statusbar-item', { hasText: '⏱' })
    .first()
    .innerText()
    .catch(() => '');
  return Number((/⏱\s*([\d,]+)/.exec(t)?.[1] ?? '-1').replace(/,/g, ''));
}

/** Waits until the status bar's position differs from `before`. */
async function positionChanged(before, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const now = await statusPosition();
    if (now !== before && now >= 0) return now;
    if (Date.now() > end) throw new Error(`the position stayed at ${before}`);
    await page.waitForTimeout(200);
  }
}

/** The Hart Timeline's webview frame, once it has drawn its lanes. */
async function timelineFrame() {
  for (let i = 0; i < 120; i++) {
    for (const f of page.frames()) {
      const lanes = await f.evaluate(() => document.getElementById('lanes')?.dataset.lanes).catch(() => undefined);
      if (lanes && Number(lanes) > 0) return f;
    }
    await page.waitForTimeout(500);
  }
  throw new Error('the Hart Timeline never drew its lanes');
}

/** The text of the terminal on screen (the panel keeps the others, hidden, in the page). */
const visibleTerminal = () =>
  [...document.querySelectorAll('.terminal-wrapper .xterm-rows')].find((r) => r.getClientRects().length > 0)
    ?.textContent ?? '';

/** Waits until the terminal on screen shows text matching `re`. */
async function terminalShows(re, what) {
  await page
    .waitForFunction(
      (src) =>
        new RegExp(src).test(
          [...document.querySelectorAll('.terminal-wrapper .xterm-rows')].find((r) => r.getClientRects().length > 0)
            ?.textContent ?? '',
        ),
      re.source,
      { timeout: 30_000 },
    )
    .catch(async () => {
      throw new Error(`the terminal never showed ${what}; it shows:\n${await page.evaluate(visibleTerminal)}`);
    });
}

/** Waits until the active editor shows a line matching `re` (only the lines on screen are in the page). */
async function editorShows(re, what) {
  const lines = '.editor-group-container.active .monaco-editor .view-line';
  await page
    .waitForFunction(
      ([sel, src, flags]) =>
        [...document.querySelectorAll(sel)].some((l) =>
          new RegExp(src, flags).test((l.textContent ?? '').replace(/\u00a0/g, ' ')),
        ),
      [lines, re.source, re.flags],
      { timeout: 30_000 },
    )
    .catch(async () => {
      const shown = await page.locator(lines).allInnerTexts();
      throw new Error(`the editor never showed ${what}; it shows:\n${shown.join('\n')}`);
    });
}

/** The rows of the open quick pick, once `text` is among them. */
async function quickPickRows(text) {
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor();
  return page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
}

async function stopSession() {
  await page.locator('.debug-toolbar .codicon-debug-stop').click();
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
}

async function startConfig(name, harts = 4) {
  await palette('Debug: Select and Start Debugging', name);
  return threads(harts);
}

test(
  "a firmware developer's session in a real VS Code: every item of issue 16",
  { skip, timeout: 900_000 },
  async () => {
    try {
      await story();
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'failure.png') }).catch(() => {});
      console.error(`code-server log:\n${cs.log.slice(-4000)}`);
      throw e;
    }
  },
);

async function story() {
  const launchJson = join(EXAMPLE, '.vscode', 'launch.json');
  // 1. Getting started: Run and Debug welcomes a folder with no configuration, and "create a launch.json file" names
  //    the workspace's ELF (not a placeholder) with a matching replay configuration.
  await openFile('racy_counter.c');
  await page.keyboard.press('Control+Shift+D');
  const welcome = page.locator('.welcome-view-content', { hasText: 'Record a Program' });
  await welcome.waitFor({ timeout: 30_000 });
  assert.ok(
    (await welcome.locator('a, .monaco-button', { hasText: 'Replay a Recording' }).count()) > 0,
    'the welcome view offers to replay',
  );
  await shot('01-welcome');
  await welcome.locator('a', { hasText: 'create a launch.json file' }).first().click();
  const debuggerPick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Hartline' }).first();
  if (
    await debuggerPick.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    )
  )
    await debuggerPick.click();
  await page.locator('.tab.active[aria-label*="launch.json"]').waitFor({ timeout: 30_000 });
  const created = readFileSync(launchJson, 'utf8');
  assert.match(created, /"program": "\$\{workspaceFolder\}\/racy_counter\.elf"/, created);
  assert.match(created, /"mode": "replay"/);
  assert.doesNotMatch(created, /program\.elf/);
  await page.keyboard.press('Escape');
  await shot('02-launch-json');
  // The example's own configurations from here on, and two more: the UART echo guest (it reads what is typed),
  // stopping at its entry, and a replay without the sourceMap, as for an ELF built on another machine.
  const example = JSON.parse(
    readFileSync(join(EXAMPLE, '..', 'example-launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
  );
  example.configurations.push(
    {
      type: 'hartline',
      request: 'launch',
      name: 'Record (UART echo)',
      mode: 'record',
      program: '${workspaceFolder}/uart_echo.elf',
      recording: '${workspaceFolder}/uart_echo.hartrec',
      harts: 1,
      stopOnEntry: true,
    },
    {
      type: 'hartline',
      request: 'launch',
      name: 'Replay (no sourceMap)',
      mode: 'replay',
      recording: '${workspaceFolder}/racy_counter.hartrec',
      program: '${workspaceFolder}/racy_counter.elf',
      startAt: 'end',
    },
  );
  writeFileSync(launchJson, JSON.stringify(example, null, 2));
  copyFileSync(join(ROOT, 'test/guests/bin/uart_echo.elf'), join(EXAMPLE, 'uart_echo.elf'));
  await palette('View: Close All Editors');
  await openFile('racy_counter.c');

  // 1b. The dynamic configurations (Select and Start Debugging, then Hartline's entry) list each ELF once.
  await palette('Debug: Select and Start Debugging', 'Hartline (RISC-V record & replay)...');
  const dynamic = await quickPickRows('Record uart_echo.elf');
  for (const elf of ['racy_counter.elf', 'uart_echo.elf'])
    assert.equal(
      dynamic.filter((l) => l === `Record ${elf}`).length,
      1,
      `"Record ${elf}" once among ${JSON.stringify(dynamic)}`,
    );
  await page.keyboard.press('Escape');

  // 1c. The UART terminal: keys typed there reach the guest, and its echo appears. The recording dump, opened while
  //     recording, follows the file as it grows, and shows the trailer after Stop.
  await startConfig('Record (UART echo)', 1);
  await palette('Hartline: Open Recording Dump');
  await page.locator('.tab.active[aria-label*="uart_echo.hartrec.dump"]').waitFor({ timeout: 30_000 });
  await editorShows(/^unfinished\s+positions=0\b/, 'an empty live recording');
  await palette('Hartline: Show the UART Terminal');
  await terminalShows(/the guest's UART; what you type is sent to it/, 'its greeting');
  // Near its top left, clear of any notification.
  await page
    .locator('.terminal-wrapper .xterm')
    .first()
    .click({ position: { x: 40, y: 10 } });
  await page.keyboard.type('hello');
  await page.keyboard.press('Enter');
  await terminalShows(/hello/, 'the typed line');
  const beforeRun = await statusPosition();
  await page.locator('.debug-toolbar .codicon-debug-continue').click();
  await positionChanged(beforeRun);
  await terminalShows(/echo 1: HELLO/, "the guest's echo of the typed line");
  await terminalShows(/uart_echo: 1 line\(s\)/, "the guest's last line");
  // The stop opened the program's source: back to the dump (its tab may lie under the floating debug toolbar).
  const showDump = async () => {
    await palette('Hartline: Open Recording Dump');
    await page.locator('.tab.active[aria-label*="uart_echo.hartrec.dump"]').waitFor({ timeout: 30_000 });
  };
  await showDump();
  await editorShows(/\binput\s+uart 0x68 'h'/, 'the recorded input in the dump');
  await editorShows(/^unfinished\s+positions=[1-9]/, 'the grown live recording');
  // The guest's runtime was built elsewhere (its crt.S is not here), which the Sources notification says: cleared
  // for the picture.
  await palette('Notifications: Clear All Notifications');
  await shot('03-record-uart');
  await stopSession();
  await page.locator('.tab.active[aria-label*="uart_echo.hartrec.dump"]').waitFor({ timeout: 30_000 });
  await editorShows(/^end\s+exit code=0 positions=[1-9]/, "the finished recording's trailer");
  await palette('View: Close All Editors');
  await openFile('racy_counter.c');

  // 2. Record: one thread per hart, the guest's console in a UART terminal.
  const recorded = await startConfig('Record (chaos)');
  assert.equal(
    recorded.filter((t) => /hart \d/.test(t)).length,
    4,
    `one thread per hart, got ${JSON.stringify(recorded)}`,
  );
  await palette('Hartline: Show the UART Terminal');
  await terminalShows(/racy_counter/, "the racy counter's output");
  await stopSession();
  const first = join(EXAMPLE, 'racy_counter.hartrec');
  assert.ok(existsSync(first), 'the record session wrote racy_counter.hartrec');
  const firstStat = statSync(first);

  // 3. Recording again never overwrites: the second recording is racy_counter-2.hartrec.
  await startConfig('Record (chaos)');
  await stopSession();
  assert.ok(existsSync(join(EXAMPLE, 'racy_counter-2.hartrec')), 'the second recording has a new name');
  assert.equal(statSync(first).mtimeMs, firstStat.mtimeMs, 'the first recording is untouched');

  // 3b. An ELF whose compile path does not exist here: the message names the path looked for and offers a
  //     sourceMap entry; accepted, the entry is written to launch.json and the replay starts again with the source.
  await startConfig('Replay (no sourceMap)');
  const toast = page.locator('.notification-toast', { hasText: 'was not found at /hartline/' }).first();
  await toast.waitFor({ timeout: 30_000 });
  const said = await toast.innerText();
  const m =
    /([\w.-]+\.[chS]) was not found at (\/hartline\/examples\/\S+\.[chS]), the path in the program's debug information/.exec(
      said,
    );
  assert.ok(m, said);
  const [, missingFile, lookedFor] = m;
  await toast.locator('.monaco-button', { hasText: 'Add sourceMap Entry' }).click();
  // The folder dialog opens where the file is (code-server's own dialog, a quick input): accept it.
  const dialogInput = page.locator('.quick-input-widget input');
  await dialogInput.waitFor({ state: 'visible' });
  const examplesDir = join(EXAMPLE, '..');
  // It fills its path in after it opens.
  await page
    .waitForFunction(
      (dir) => document.querySelector('.quick-input-widget input')?.value.replace(/\/$/, '') === dir,
      examplesDir,
      { timeout: 20_000 },
    )
    .catch(async () => assert.fail(`the dialog opened at ${await dialogInput.inputValue()}, not ${examplesDir}`));
  await page.keyboard.press('Enter');
  for (let i = 0; ; i++) {
    const config = JSON.parse(readFileSync(launchJson, 'utf8').replace(/^\s*\/\/.*$/gm, '')).configurations.find(
      (c) => c.name === 'Replay (no sourceMap)',
    );
    if (config.sourceMap) {
      const [[from, to]] = Object.entries(config.sourceMap);
      assert.ok(lookedFor.startsWith(from + '/'), `${from} is a folder of ${lookedFor}`);
      assert.ok(existsSync(to.replace('${workspaceFolder}', EXAMPLE) + lookedFor.slice(from.length)), to);
      break;
    }
    if (i === 100) throw new Error('no sourceMap entry was written to launch.json');
    await new Promise((r) => setTimeout(r, 200));
  }
  // The stop opens its source from here now (the frame VS Code shows first: the missing file or its caller's).
  const opened = (await currentLine()).split(':')[0];
  assert.ok(
    existsSync(join(examplesDir, 'common', opened)) || existsSync(join(EXAMPLE, opened)),
    `${opened} opened from the workspace's examples (the missing one was ${missingFile})`,
  );
  assert.equal(
    await page.getByText('The editor could not be opened').filter({ visible: true }).count(),
    0,
    'no "file was not found" editor',
  );
  await stopSession();

  // 4. Replay, Step Back from the toolbar; the reverse buttons sit right after their forward twins.
  await startConfig('Replay');
  const labels = await page
    .locator('.debug-toolbar .action-item .action-label')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const nextTo = (twin) => labels[labels.findIndex((l) => l.startsWith(twin)) + 1] ?? '';
  assert.match(nextTo('Step Into'), /^Reverse Step Into/, `toolbar: ${labels.join(' | ')}`);
  assert.match(nextTo('Step Out'), /^Reverse Step Out/, `toolbar: ${labels.join(' | ')}`);
  const atEnd = await currentLine();
  let afterBack = atEnd;
  for (let press = 0; press < 4 && afterBack === atEnd; press++) {
    const before = await statusPosition();
    await page.locator('.debug-toolbar .codicon-debug-step-back').click();
    await positionChanged(before);
    // The editor's arrow follows the stop once its stack trace is in.
    const end = Date.now() + 5000;
    do afterBack = await currentLine().catch(() => atEnd);
    while (afterBack === atEnd && Date.now() < end);
  }
  assert.notEqual(afterBack, atEnd, `Step Back moved the current line (was ${atEnd})`);
  assert.equal(
    await page.locator('.tab', { hasText: 'racy_counter.c' }).count(),
    1,
    'one tab for the source: the stop opened the workspace file',
  );
  await shot('04-step-back');

  // 5. CPU-switch markers: their own glyphs, and a hover that says what switched and why.
  await page
    .locator('.debug-call-stack .monaco-list-row', { hasText: /^\s*hart 1\b/ })
    .first()
    .click();
  await page.keyboard.press('ArrowRight');
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'hart.c' }).first().click();
  await page.locator('.tab.active[aria-label*="hart.c"]').waitFor();
  const findGlyph = () => {
    const classes = new Set();
    for (const sheet of document.styleSheets) {
      let rules;
      try {
        rules = sheet.cssRules;
      } catch {
        continue;
      }
      for (const r of rules)
        if (/media(\/|%2F)markers(\/|%2F)hart\d+-(in|out|many)\.svg/i.test(r.cssText))
          for (const m of r.selectorText?.matchAll(/\.([\w-]+)/g) ?? []) classes.add(m[1]);
    }
    for (const c of classes) {
      const el = document.querySelector(`.monaco-editor .${CSS.escape(c)}`);
      if (el) {
        const b = el.getBoundingClientRect();
        return { y: b.top + b.height / 2 };
      }
    }
    return undefined;
  };
  const glyph = await page
    .waitForFunction(findGlyph, null, { timeout: 20_000 })
    .then((h) => h.jsonValue())
    .catch(() => undefined);
  assert.ok(glyph, 'CPU-switch gutter markers are drawn in hart.c');
  const box = await page.locator('.monaco-editor .view-lines').first().boundingBox();
  // Over the marked line's code (the hover's range), resting long enough for the editor to show it.
  const textX = await page.evaluate((y) => {
    for (const l of document.querySelectorAll('.monaco-editor .view-line')) {
      const b = l.getBoundingClientRect();
      if (y >= b.top && y < b.bottom) {
        const span = [...l.querySelectorAll('span span')].find((x) => x.textContent.trim());
        return span ? span.getBoundingClientRect().left + 20 : b.left + 40;
      }
    }
    return undefined;
  }, glyph.y);
  const hover = page.locator('.monaco-hover', { hasText: /Switched (in|out)|\d+ switches/ }).first();
  for (let attempt = 0; ; attempt++) {
    await page.mouse.move(box.x + box.width - 30, box.y + box.height - 10);
    await hover.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    await page.mouse.move((textX ?? box.x + 60) - 2, glyph.y);
    await page.mouse.move(textX ?? box.x + 62, glyph.y);
    if (
      await hover.waitFor({ timeout: 4000 }).then(
        () => true,
        () => false,
      )
    )
      break;
    // The keyboard's Show Hover at a caret on that line shows the same hover.
    await page.mouse.click(textX ?? box.x + 62, glyph.y);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    if (
      await hover.waitFor({ timeout: 4000 }).then(
        () => true,
        () => false,
      )
    )
      break;
    if (attempt === 2) throw new Error("the marker's hover never appeared");
  }
  assert.match(
    await hover.innerText(),
    /hart \d+ → hart \d+ at position [\d,]+ \((start|end of quantum|chaos slice|wfi|interrupt)\)/,
  );
  await shot('05-markers');
  await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20);

  // 6. The Hart Timeline is a wide panel view: lanes, a tooltip with position, hart and state, a click that travels.
  await palette('Focus on Hart Timeline View');
  const tl = await timelineFrame();
  const size = await tl.evaluate(() => {
    const c = document.getElementById('lanes');
    return { w: c.clientWidth, h: c.clientHeight, lanes: Number(c.dataset.lanes) };
  });
  assert.equal(size.lanes, 4, 'one lane per hart');
  assert.ok(size.w > 900, `the timeline is wide (${size.w} px)`);
  const canvasBox = await page.locator('iframe.webview').last().boundingBox();
  const laneH = Math.max(16, Math.min(44, (size.h - 26) / 4));
  const laneMiddle = (k) => canvasBox.y + 20 + (k + 0.5) * laneH + 24;
  // Zoom: the wheel narrows the visible window around the mouse, and the axis labels stay apart (the canvas keeps the
  // boxes of the labels it drew in data-axis).
  const windowOf = () => tl.evaluate(() => document.getElementById('lanes').dataset.window.split('-').map(Number));
  const axisLabels = () => tl.evaluate(() => JSON.parse(document.getElementById('lanes').dataset.axis || '[]'));
  const apart = (labels, when) => {
    assert.ok(labels.length >= 2, `at least two axis labels ${when}: ${JSON.stringify(labels)}`);
    for (let k = 1; k < labels.length; k++) {
      assert.ok(labels[k].left > labels[k - 1].right + 4, `labels overlap ${when}: ${JSON.stringify(labels)}`);
      const n = (l) => Number(l.text.replace(/,/g, ''));
      assert.ok(n(labels[k]) > n(labels[k - 1]), `labels increase ${when}: ${JSON.stringify(labels)}`);
    }
  };
  apart(await axisLabels(), 'before zooming');
  let [w0, w1] = await windowOf();
  const full = w1 - w0;
  await page.mouse.move(canvasBox.x + canvasBox.width / 2, laneMiddle(1));
  for (let zoom = 0; zoom < 4; zoom++) {
    await page.mouse.wheel(0, -600);
    await tl.waitForFunction(
      (span) => {
        const [a, b] = document.getElementById('lanes').dataset.window.split('-').map(Number);
        return b - a < span;
      },
      w1 - w0,
      { timeout: 10_000 },
    );
    [w0, w1] = await windowOf();
    apart(await axisLabels(), `zoomed in to ${w0}-${w1}`);
  }
  assert.ok(w1 - w0 < full / 4, `the visible range shrank from ${full} to ${w1 - w0} positions`);
  // Lane 2's middle, a third of the way along.
  const y2 = laneMiddle(2) - canvasBox.y;
  const tipText = () =>
    tl.evaluate(() => {
      const t = document.getElementById('tip');
      return t && !t.hidden ? (t.textContent ?? '') : '';
    });
  await page.mouse.move(canvasBox.x + 56 + (canvasBox.width - 62) / 3, canvasBox.y + y2);
  await tl.waitForFunction(() => !document.getElementById('tip').hidden && document.getElementById('tip').textContent);
  const tip = await tipText();
  assert.match(tip, /position [\d,]+ · hart \d (running|waiting for its turn|asleep in wfi)/, tip);
  // The tooltip of a running span names the source line that hart was at there: the lane that runs at that position.
  let runningLane;
  for (let k = 0; k < 4 && runningLane === undefined; k++) {
    await page.mouse.move(canvasBox.x + 56 + (canvasBox.width - 62) / 3, laneMiddle(k));
    await tl.waitForFunction((k) => new RegExp(`hart ${k} `).test(document.getElementById('tip').textContent), k);
    if (/running/.test(await tipText())) runningLane = k;
  }
  assert.notEqual(runningLane, undefined, 'one lane runs at that position');
  await tl
    .waitForFunction(() => /\nat [\w.-]+\.[chS]:\d+/.test(document.getElementById('tip').textContent), null, {
      timeout: 20_000,
    })
    .catch(async () => assert.fail(`the running span's tooltip names no source line: ${await tipText()}`));
  assert.match(await tipText(), new RegExp(`hart ${runningLane} running[^]*\\nat [\\w.-]+\\.[chS]:\\d+`));
  await shot('06-timeline');
  const beforeClick = await statusPosition();
  await page.mouse.click(canvasBox.x + 56 + (canvasBox.width - 62) / 3, canvasBox.y + y2);
  const clicked = await positionChanged(beforeClick);
  // The stop focuses the hart of the lane clicked (lane 2).
  await page
    .locator('.debug-call-stack .monaco-list-row', {
      hasText: new RegExp(`hart 2[\\s\\S]*position ${clicked.toLocaleString('en-US')}`, 'i'),
    })
    .first()
    .waitFor({ timeout: 20_000 });
  // The stop says where it is in the user's words, not the protocol's ("paused on goto").
  assert.equal(
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: /on goto|goto/i }).count(),
    0,
    'no protocol jargon in the Call Stack',
  );
  // A double-click travels once and fits the view: no toasts about a running machine (a refused second travel
  // would have been answered before the first one's stop).
  const beforeDbl = await statusPosition();
  await page.mouse.dblclick(canvasBox.x + 56 + (canvasBox.width - 62) / 2, canvasBox.y + y2);
  await positionChanged(beforeDbl);
  assert.equal(await hartlineToasts(), 0, 'no toasts for timeline gestures');

  // 7. A data breakpoint from the Globals scope; Continue stops at the next write and says what changed.
  await palette('Debug: Focus on Variables View');
  const locals = page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*Locals/ }).first();
  await locals.waitFor({ timeout: 30_000 });
  if ((await locals.getAttribute('aria-expanded')) === 'true') await locals.click();
  const globals = page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*Globals/ }).first();
  await globals.waitFor({ timeout: 30_000 });
  if ((await globals.getAttribute('aria-expanded')) !== 'true') await globals.click();
  const counter = page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*counter\b/ }).first();
  await counter.waitFor({ timeout: 30_000 });
  await counter.click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: 'Break on Value Change' }).first();
  await item.hover();
  await page.keyboard.press('Enter');
  await page
    .locator('.context-view .action-label', { hasText: 'Break on Value Change' })
    .first()
    .waitFor({ state: 'hidden', timeout: 10_000 });
  // The data breakpoint is listed in the Breakpoints view.
  await palette('Debug: Focus on Breakpoints View');
  await page
    .locator('.debug-breakpoints .monaco-list-row', { hasText: 'counter' })
    .first()
    .waitFor({ timeout: 20_000 })
    .catch(async () =>
      assert.fail(
        `the Breakpoints view lists no data breakpoint on counter: ${JSON.stringify(await page.locator('.debug-breakpoints .monaco-list-row').allInnerTexts())}`,
      ),
    );
  const beforeRc = await statusPosition();
  await page.locator('.debug-toolbar .codicon-debug-continue').click();
  await positionChanged(beforeRc);
  const stopText = page
    .locator('.debug-call-stack .monaco-list-row', {
      hasText: /counter: \d+ → \d+, written by hart \d at racy_counter\.c:\d+/,
    })
    .first();
  await stopText.waitFor({ timeout: 30_000 });
  await palette('Focus on Debug Console View');
  await page
    .locator('.repl .monaco-list-row', { hasText: /counter: \d+ → \d+, written by hart/ })
    .first()
    .waitFor({ timeout: 20_000 });
  await shot('07-data-breakpoint');
  await palette('Focus on Hart Timeline View');
  await timelineFrame();
  await openFile('racy_counter.c');
  await shot('00-replay-session');

  // 8. The Disassembly view: compressed instructions as objdump writes them, targets named by symbol.
  await palette('Open Disassembly View');
  await page
    .locator('.disassembly-view .monaco-list-row', { hasText: /<\w+(\+0x[0-9a-f]+)?>/ })
    .first()
    .waitFor({ timeout: 30_000 });
  const rows = await page.locator('.disassembly-view .monaco-list-row').allInnerTexts();
  assert.ok(!rows.some((r) => /c\.(bnez|beqz|li)\s+\w+,zero,/.test(r)), 'no spurious zero operand');
  await shot('08-disassembly');

  // 9. Bookmarks and travel history.
  await openFile('racy_counter.c');
  const marked = await statusPosition();
  await palette('Hartline: Add Bookmark…');
  const input = page.locator('.quick-input-widget input');
  await input.fill('the last write');
  await page.keyboard.press('Enter');
  const bookmarks = join(EXAMPLE, 'racy_counter.hartrec.bookmarks.json');
  const saved = () => (existsSync(bookmarks) ? readFileSync(bookmarks, 'utf8') : '');
  for (let i = 0; i < 100 && !/"name": "the last write"/.test(saved()); i++) await page.waitForTimeout(200);
  assert.match(saved(), /"name": "the last write"/, 'bookmarks are kept beside the recording');
  await palette('Hartline: Travel Back');
  const back = await positionChanged(marked);
  await palette('Hartline: Travel Forward');
  assert.equal(await positionChanged(back), marked, 'forward returns to where Back left');
  await palette('Hartline: Travel Back');
  const backAgain = await positionChanged(marked);
  await palette('Hartline: Go to Bookmark…', 'the last write');
  await positionChanged(backAgain);
  await palette('Focus on Hart Timeline View');
  await timelineFrame();
  await shot('09-bookmarks');
  assert.equal(await statusPosition(), marked, 'the bookmark travels back to its position');

  // 10. Hovering whitespace evaluates nothing and raises nothing.
  const empty = page.locator('.monaco-editor .view-line').filter({ hasText: /^\s*$/ }).first();
  const eb = await empty.boundingBox();
  if (eb) await page.mouse.move(eb.x + 200, eb.y + eb.height / 2);
  // Then a variable: its value shows once the adapter has answered what came before it.
  const word = await page.evaluate(() => {
    for (const line of document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line')) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        // The identifier's own token (not the word in a comment).
        if (n.textContent.trim() !== 'counter') continue;
        const k = n.textContent.indexOf('counter');
        const r = document.createRange();
        r.setStart(n, k);
        r.setEnd(n, k + 'counter'.length);
        const b = r.getBoundingClientRect();
        return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
      }
    }
    return undefined;
  });
  assert.ok(word, 'the word counter is on screen');
  await page.mouse.move(word.x, word.y);
  await page.locator('.debug-hover-widget', { hasText: /\d/ }).first().waitFor({ timeout: 20_000 });
  assert.equal(await hartlineToasts(), 0, 'no toasts for hovers');

  // 11. The recording dump, which reads the file again when it changes.
  await palette('Hartline: Open Recording Dump');
  await page.locator('.tab.active[aria-label*="hartrec.dump"]').waitFor({ timeout: 30_000 });
  await page.locator('.monaco-editor .view-line', { hasText: 'switch' }).first().waitFor();
  await shot('10-recording-dump');
  await stopSession();
  assert.equal(await hartlineToasts(), 0, 'no Hartline toasts in the whole story');
}

test('the extension-host suite passes inside code-server', { skip, timeout: 300_000 }, async () => {
  // The same suite @vscode/test-electron runs (scripts/e2e/electron.mjs), loaded by the browser workbench's payload.
  await page.close();
  rmSync(RESULTS, { force: true });
  const remote = (p) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(SUITE)],
  ];
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${cs.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const deadline = Date.now() + 240_000;
  while (!existsSync(RESULTS)) {
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(SHOTS, 'suite-failure.png') });
      throw new Error('the extension-host suite wrote no results');
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const results = JSON.parse(readFileSync(RESULTS, 'utf8'));
  for (const s of results.steps)
    console.log(`  ${s.ok ? 'ok' : 'FAILED'} ${s.name} (${s.ms} ms)${s.error ? '\n' + s.error : ''}`);
  assert.ok(results.ok, 'every step of the extension-host suite passed');
});
