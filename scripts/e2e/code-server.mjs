// Starts the cached code-server (scripts/e2e/install-code-server.sh) on 127.0.0.1 with Hartline loaded from this
// checkout, in a throwaway profile with workspace trust off. Used by the e2e suite and by `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ENTRY = join(ROOT, '.cache/code-server/node_modules/code-server/out/node/entry.js');

/** Installs code-server into .cache/ when it is missing; throws with the installer's output when that fails. */
export function ensureCodeServer() {
  if (existsSync(ENTRY)) return;
  const r = spawnSync('bash', [join(ROOT, 'scripts/e2e/install-code-server.sh')], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(ENTRY))
    throw new Error(
      'code-server could not be installed (see the output above); run scripts/e2e/install-code-server.sh',
    );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server and resolves once it answers. `settings` go into the profile's settings.json.
 * Returns { url, port, stop(), log } where url opens `folder`.
 */
export async function startCodeServer({ folder, settings = {}, port, env = {} } = {}) {
  ensureCodeServer();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const profile = mkdtempSync(join(tmpdir(), 'hartline-code-server-'));
  const userData = join(profile, 'user-data');
  const extensions = join(profile, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  // The checkout itself is the installed extension: dist/ and package.json as the VSIX would have them.
  symlinkSync(ROOT, join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'git.enabled': false,
        'window.commandCenter': false,
        'chat.commandCenter.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...settings,
      },
      null,
      2,
    ),
  );
  port = port ?? (await freePort());
  const args = [
    ENTRY,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PASSWORD: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => {
    log += d;
  });
  child.stderr.on('data', (d) => {
    log += d;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}:\n${log}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`code-server did not answer on ${base} within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    base,
    url: `${base}/?folder=${encodeURIComponent(folder)}`,
    get log() {
      return log;
    },
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 5000);
          child.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A scratch copy of examples/<name> (with examples/common beside it, as its sourceMap expects), so that tests and
 * demos never overwrite the committed recording. Returns the copy's folder.
 */
export function copyExample(name = 'racy-counter') {
  const dir = mkdtempSync(join(tmpdir(), 'hartline-example-'));
  for (const sub of [name, 'common']) {
    const from = join(ROOT, 'examples', sub);
    if (existsSync(from)) cpSync(from, join(dir, 'examples', sub), { recursive: true });
  }
  return join(dir, 'examples', name);
}

/** Chromium flags for a headless page on these machines. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
export const CHROMIUM = process.env.HARTLINE_CHROMIUM ?? '/usr/bin/chromium';
