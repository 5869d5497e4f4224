// "Hunt for a Failing Schedule": records an ELF under chaos seeds in worker threads with a progress notification,
// writes the lowest failing seed's recording next to the ELF (in hunt/) and opens it in a replay session.

import * as vscode from 'vscode';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseUntil } from '../replay/hunt/check';
import { hunt } from '../replay/hunt/pool';
import { DEFAULT_RAM } from '../machine/machine';

async function pickElf(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const active = vscode.window.activeTextEditor?.document.uri;
  const pick = await vscode.window.showOpenDialog({
    title: 'Hartline: the program to hunt a failing schedule of',
    filters: { 'RISC-V ELF': ['elf'], 'All files': ['*'] },
    defaultUri: active ? vscode.Uri.file(dirname(active.fsPath)) : vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return pick?.[0]?.fsPath;
}

export async function huntCommand(arg: unknown): Promise<void> {
  const elf = await pickElf(arg);
  if (!elf) return;
  const harts = await vscode.window.showInputBox({
    title: 'Hartline: Hunt — harts',
    value: '2',
    validateInput: (v) => (/^[1-9][0-9]?$/.test(v) && Number(v) <= 64 ? undefined : 'A number of harts from 1 to 64'),
  });
  if (!harts) return;
  const seeds = await vscode.window.showInputBox({
    title: 'Hartline: Hunt — seeds',
    value: '1-100',
    validateInput: (v) =>
      /^\d+-\d+$/.test(v) && Number(v.split('-')[0]) <= Number(v.split('-')[1]) ? undefined : 'A range such as 1-100',
  });
  if (!seeds) return;
  const untilText = await vscode.window.showInputBox({
    title: 'Hartline: Hunt — a failure is',
    value: 'exit',
    prompt:
      'exit (a non-zero exit code), output:REGEX (console output matches) or timeout:N (no end within N instructions)',
    validateInput: (v) => {
      try {
        parseUntil(v);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  if (!untilText) return;
  const [first, last] = seeds.split('-').map(Number);
  const quantum = vscode.workspace.getConfiguration('hartline').get<number>('quantum', 10000);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(elf));
  } catch (e) {
    void vscode.window.showErrorMessage(`Hartline: cannot read ${elf}: ${(e as Error).message}`);
    return;
  }
  const total = last - first + 1;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Hartline: hunting ${basename(elf)}`, cancellable: false },
    (progress) =>
      hunt(
        {
          images: [{ role: 'kernel', path: elf, bytes }],
          harts: Number(harts),
          ramSize: DEFAULT_RAM,
          quantum,
          until: parseUntil(untilText),
          maxInstructions: 1_000_000_000,
          first,
          last,
        },
        (r, done) =>
          progress.report({
            increment: 100 / total,
            message: `${done}/${total} seeds${r.failed ? `, seed ${r.seed} fails` : ''}`,
          }),
      ).catch((e: Error) => {
        void vscode.window.showErrorMessage(`Hartline: the hunt stopped: ${e.message}`);
        return undefined;
      }),
  );
  if (!result) return;
  if (result.failures.length === 0) {
    void vscode.window.showInformationMessage(
      `Hartline: no failing schedule in seeds ${first}-${last} (${result.results.length} runs).`,
    );
    return;
  }
  const f = result.failures[0];
  const dir = join(dirname(elf), 'hunt');
  const file = join(dir, `${basename(elf).replace(/\.elf$/, '')}-seed${f.seed}.hartrec`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, f.recording!);
  } catch (e) {
    void vscode.window.showErrorMessage(`Hartline: cannot write ${file}: ${(e as Error).message}`);
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(elf)) ?? vscode.workspace.workspaceFolders?.[0];
  const sourceMap =
    folder &&
    vscode.workspace
      .getConfiguration('launch', folder.uri)
      .get<{ sourceMap?: Record<string, string> }[]>('configurations', [])
      .find((c) => c.sourceMap)?.sourceMap;
  void vscode.window.showInformationMessage(
    `Hartline: seed ${f.seed} fails (${f.reason} ${f.exitCode}${f.lastLine ? `: ${f.lastLine}` : ''}); replaying ${basename(file)}.`,
  );
  await vscode.debug.startDebugging(folder, {
    type: 'hartline',
    request: 'launch',
    name: `Replay hunted seed ${f.seed}`,
    mode: 'replay',
    recording: file,
    program: elf,
    startAt: 'end',
    ...(sourceMap ? { sourceMap } : {}),
  });
}
