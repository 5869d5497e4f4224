// Runs the extension-host suite (out/e2e/suite/index.js) in a downloaded VS Code through @vscode/test-electron,
// on machines that can reach update.code.visualstudio.com. Here code-server plays that part (test/e2e/).
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { copyExample, ROOT } from './code-server.mjs';

try {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out/e2e/suite/index.js'),
    launchArgs: [
      copyExample('racy-counter'),
      '--disable-workspace-trust',
      '--disable-extensions',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (e) {
  console.error(`extension-host suite failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
