// Launch configurations of the `hartline` type: settings fill what a configuration leaves out; F5 without a launch.json
// records the workspace's ELF; "create a launch.json file" writes a record and a replay configuration for it; the
// dynamic provider offers each ELF and recording once; a new recording never overwrites an old one; and launch.json
// completes `program`, `bios` and `recording` with the workspace's files.

import * as vscode from 'vscode';
import { basename } from 'node:path';
import { LAUNCH_ATTRIBUTES } from '../debug/launch-attributes';
import { freshRecordingPath, looksLikeRecording, recordingPathOf } from './recordings';

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.cache/**}';

async function workspaceFiles(glob: string, max = 50, folder?: vscode.WorkspaceFolder): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(
    folder ? new vscode.RelativePattern(folder, glob) : glob,
    EXCLUDE,
    max,
  );
  // One entry per file, whatever the search returned (several folders can hold the same file).
  const unique = new Map(found.map((u) => [u.fsPath, u]));
  return [...unique.values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

const recordings = async (max = 200, folder?: vscode.WorkspaceFolder) =>
  (await workspaceFiles('**/*.hartrec', max, folder)).filter((u) => looksLikeRecording(u.fsPath));

function relative(folder: vscode.WorkspaceFolder | undefined, u: vscode.Uri): string {
  return folder ? '${workspaceFolder}/' + vscode.workspace.asRelativePath(u, false) : u.fsPath;
}

/** Notes for the Debug Console of the session about to start (where its recording goes), by configuration name. */
export const pendingNotes = new Map<string, string>();

/** "create a launch.json file": a record configuration for the workspace's ELF, and the replay of its recording. */
export class InitialConfigurations implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const [elf] = await workspaceFiles('**/*.elf', 1);
    if (!elf) {
      return [
        {
          type: 'hartline',
          request: 'launch',
          name: 'Record',
          mode: 'record',
          program: '${workspaceFolder}/program.elf',
          harts: 4,
          schedule: 'chaos',
          seed: 7,
        },
        {
          type: 'hartline',
          request: 'launch',
          name: 'Replay',
          mode: 'replay',
          recording: '${command:hartline.pickRecording}',
          startAt: 'end',
        },
      ];
    }
    const program = relative(folder, elf);
    const name = basename(elf.fsPath);
    return [
      {
        type: 'hartline',
        request: 'launch',
        name: `Record ${name}`,
        mode: 'record',
        program,
        harts: 4,
        schedule: 'chaos',
        seed: 7,
      },
      {
        type: 'hartline',
        request: 'launch',
        name: `Replay ${name.replace(/\.elf$/, '.hartrec')}`,
        mode: 'replay',
        program,
        recording: program.replace(/\.elf$/, '') + '.hartrec',
        startAt: 'end',
      },
      {
        type: 'hartline',
        request: 'launch',
        name: 'Replay a recording…',
        mode: 'replay',
        program,
        recording: '${command:hartline.pickRecording}',
        startAt: 'end',
      },
    ];
  }

  /** Fills defaults from hartline.* settings; with no launch.json at all, records the first ELF found. */
  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    c: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (!c.type && !c.request && !c.name) {
      const [elf] = await workspaceFiles('**/*.elf', 1);
      if (!elf) {
        void vscode.window.showErrorMessage(
          'Hartline: no .elf file in this workspace. Add a launch configuration with "program" set to a RISC-V ELF file.',
        );
        return undefined;
      }
      Object.assign(c, {
        type: 'hartline',
        request: 'launch',
        name: `Record ${basename(elf.fsPath)}`,
        mode: 'record',
        program: elf.fsPath,
      });
    }
    const settings = vscode.workspace.getConfiguration('hartline', folder);
    for (const o of LAUNCH_ATTRIBUTES) {
      if (o.setting && c[o.name] === undefined) c[o.name] = settings.get(o.setting.slice('hartline.'.length));
    }
    if (c.cwd === undefined && folder) c.cwd = folder.uri.fsPath;
    if (c.mode === 'replay' || (!c.mode && c.recording && !c.program)) {
      // A replay has the recording's machine: settings for recording must not override it.
      delete c.harts;
      delete c.quantum;
    }
    return c;
  }

  /** A recording never replaces an earlier one unless `"overwrite": true`: the next free name-N.hartrec is used. */
  resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    c: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    const replay = c.mode === 'replay' || (!c.mode && c.recording && !c.program);
    if (replay || c.overwrite === true) return c;
    const wanted = recordingPathOf(c);
    if (!wanted) return c;
    const path = freshRecordingPath(wanted);
    c.recording = path;
    pendingNotes.set(
      c.name,
      path === wanted
        ? `recording to ${path}`
        : `recording to ${path}: ${basename(wanted)} already exists and is kept (set "overwrite": true to replace it)`,
    );
    return c;
  }
}

/**
 * Dynamic configurations: record each ELF of the workspace, replay each recording; each file once. VS Code asks once
 * per place that holds launch configurations: each workspace folder with its folder, and the user settings (and a
 * multi-root workspace file) with none; those would list every folder's files a second time, so they get nothing
 * unless no folder is open.
 */
export class DynamicConfigurations implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    if (!folder && vscode.workspace.workspaceFolders?.length) return [];
    const elves = await workspaceFiles('**/*.elf', 50, folder);
    return [
      ...elves.map((u) => ({
        type: 'hartline',
        request: 'launch',
        name: `Record ${vscode.workspace.asRelativePath(u, false)}`,
        mode: 'record',
        program: relative(folder, u),
        schedule: 'chaos',
        seed: 7,
      })),
      ...(await recordings(50, folder)).map((u) => ({
        type: 'hartline',
        request: 'launch',
        name: `Replay ${vscode.workspace.asRelativePath(u, false)}`,
        mode: 'replay',
        recording: relative(folder, u),
        startAt: 'end',
      })),
    ];
  }
}

/** `${command:hartline.pickRecording}`: a quick pick of the workspace's recordings (not empty or foreign files), or a file dialog. */
export async function pickRecording(): Promise<string | undefined> {
  const found = await recordings();
  const browse = { label: '$(folder-opened) Browse…', path: '' };
  const items = [
    ...found.map((u) => ({
      label: basename(u.fsPath),
      description: vscode.workspace.asRelativePath(u),
      path: u.fsPath,
    })),
    browse,
  ];
  const picked = found.length
    ? await vscode.window.showQuickPick(items, {
        title: 'Hartline: recording to replay',
        placeHolder: 'Pick a .hartrec recording',
      })
    : browse;
  if (!picked) return undefined;
  if (picked.path) return picked.path;
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'Hartline recordings': ['hartrec'] },
    title: 'Recording to replay',
  });
  return uris?.[0]?.fsPath;
}

/** The welcome view's buttons: record an ELF of the workspace (asking when there are several), or replay a recording. */
export async function recordWorkspace(): Promise<void> {
  const elves = await workspaceFiles('**/*.elf');
  if (elves.length === 0) {
    void vscode.window.showErrorMessage(
      'Hartline: no .elf file in this workspace: build your program first, or open its folder.',
    );
    return;
  }
  const elf =
    elves.length === 1
      ? elves[0]
      : (
          await vscode.window.showQuickPick(
            elves.map((u) => ({ label: basename(u.fsPath), description: vscode.workspace.asRelativePath(u), u })),
            { title: 'Hartline: program to record' },
          )
        )?.u;
  if (!elf) return;
  const folder = vscode.workspace.getWorkspaceFolder(elf);
  await vscode.debug.startDebugging(folder, {
    type: 'hartline',
    request: 'launch',
    name: `Record ${basename(elf.fsPath)}`,
    mode: 'record',
    program: elf.fsPath,
    schedule: 'chaos',
    seed: 7,
  });
}

export async function replayRecording(): Promise<void> {
  const recording = await pickRecording();
  if (!recording) return;
  await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
    type: 'hartline',
    request: 'launch',
    name: `Replay ${basename(recording)}`,
    mode: 'replay',
    recording,
    startAt: 'end',
  });
}

/** launch.json: `program` and `bios` complete with the workspace's ELF files, `recording` with its recordings. */
export class LaunchCompletions implements vscode.CompletionItemProvider {
  async provideCompletionItems(doc: vscode.TextDocument, at: vscode.Position): Promise<vscode.CompletionItem[]> {
    const before = doc.lineAt(at.line).text.slice(0, at.character);
    const m = /"(program|bios|recording)"\s*:\s*"([^"]*)$/.exec(before);
    if (!m) return [];
    const files = m[1] === 'recording' ? await recordings() : await workspaceFiles('**/*.elf', 200);
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const range = new vscode.Range(at.line, at.character - m[2].length, at.line, at.character);
    return files.map((u, k) => {
      const text = relative(folder, u);
      const item = new vscode.CompletionItem(
        { label: text, description: m[1] === 'recording' ? 'recording' : 'RISC-V ELF' },
        vscode.CompletionItemKind.File,
      );
      item.range = range;
      item.sortText = String(k).padStart(4, '0');
      item.filterText = text;
      return item;
    });
  }
}
