// Launch configurations of the `hartline` type: settings fill what a configuration leaves out, F5 without a launch.json
// records the workspace's ELF, the dynamic provider offers every ELF and recording, and pickRecording asks for a file.

import * as vscode from 'vscode';
import { basename } from 'node:path';
import { LAUNCH_ATTRIBUTES } from '../debug/launch-attributes';

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.cache/**}';

async function workspaceFiles(glob: string, max = 50): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(glob, EXCLUDE, max);
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

export class Configurations implements vscode.DebugConfigurationProvider {
  /** Dynamic configurations: record each ELF of the workspace, replay each recording. */
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const rel = (u: vscode.Uri) => (folder ? '${workspaceFolder}/' + vscode.workspace.asRelativePath(u, false) : u.fsPath);
    const elves = await workspaceFiles('**/*.elf');
    const recordings = await workspaceFiles('**/*.hartrec');
    return [
      ...elves.map((u) => ({ type: 'hartline', request: 'launch', name: `Record ${basename(u.fsPath)}`, mode: 'record', program: rel(u), schedule: 'chaos', seed: 7 })),
      ...recordings.map((u) => ({ type: 'hartline', request: 'launch', name: `Replay ${basename(u.fsPath)}`, mode: 'replay', recording: rel(u), startAt: 'end' })),
    ];
  }

  /** Fills defaults from hartline.* settings; with no launch.json at all, records the first ELF found. */
  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, c: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!c.type && !c.request && !c.name) {
      const [elf] = await workspaceFiles('**/*.elf', 1);
      if (!elf) {
        void vscode.window.showErrorMessage('Hartline: no .elf file in this workspace. Add a launch configuration with "program" set to a RISC-V ELF file.');
        return undefined;
      }
      Object.assign(c, { type: 'hartline', request: 'launch', name: `Record ${basename(elf.fsPath)}`, mode: 'record', program: elf.fsPath });
    }
    const settings = vscode.workspace.getConfiguration('hartline', folder);
    for (const o of LAUNCH_ATTRIBUTES) {
      if (o.setting && c[o.name] === undefined) c[o.name] = settings.get(o.setting.slice('hartline.'.length));
    }
    if (c.cwd === undefined && folder) c.cwd = folder.uri.fsPath;
    if (c.mode === 'replay' || (!c.mode && c.recording && !c.program)) {
      // A replay has the recording's machine: settings for recording must not override it.
      delete c.harts; delete c.quantum;
    }
    return c;
  }
}

/** `${command:hartline.pickRecording}`: a quick pick of the workspace's recordings, or a file dialog. */
export async function pickRecording(): Promise<string | undefined> {
  const found = await workspaceFiles('**/*.hartrec', 200);
  const browse = { label: '$(folder-opened) Browse…', path: '' };
  const items = [...found.map((u) => ({ label: basename(u.fsPath), description: vscode.workspace.asRelativePath(u), path: u.fsPath })), browse];
  const picked = found.length ? await vscode.window.showQuickPick(items, { title: 'Hartline: recording to replay', placeHolder: 'Pick a .hartrec recording' }) : browse;
  if (!picked) return undefined;
  if (picked.path) return picked.path;
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Hartline recordings': ['hartrec'] }, title: 'Recording to replay' });
  return uris?.[0]?.fsPath;
}
