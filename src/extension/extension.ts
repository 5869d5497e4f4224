// Entry point of the VS Code extension: the only place that registers UI. It wires the debug adapter, launch
// configurations, commands, CPU-switch markers, the status bar, the Hart Timeline view and the recording dump.

import * as vscode from 'vscode';
import { AdapterFactory } from './adapter';
import { registerCommands } from './commands';
import { Configurations, pickRecording } from './configurations';
import { Cursor } from './cursor';
import { openDump, registerDumps } from './dump';
import { Markers } from './markers';
import { statusBar } from './statusbar';
import { registerTimeline } from './timelineView';
import { registerRaces } from './races';
import { huntCommand } from './hunt';

/** What activate returns: read by the extension-host test suite (test/e2e/suite/), not a public API. */
export interface HartlineApi {
  cursor: Cursor;
  markers: Markers;
}

export function activate(context: vscode.ExtensionContext): HartlineApi {
  const range = () => vscode.workspace.getConfiguration('hartline').get<number>('markers.range', 8);
  const cursor = new Cursor(range);
  const markers = new Markers(context, cursor);
  const configurations = new Configurations();
  context.subscriptions.push(
    cursor,
    markers,
    vscode.debug.registerDebugAdapterDescriptorFactory('hartline', new AdapterFactory(context)),
    vscode.debug.registerDebugConfigurationProvider('hartline', configurations),
    vscode.debug.registerDebugConfigurationProvider('hartline', configurations, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    statusBar(cursor),
    ...registerTimeline(context, cursor),
    ...registerDumps(),
    ...registerRaces().disposables,
    vscode.commands.registerCommand('hartline.hunt', (arg) => huntCommand(arg)),
    ...registerCommands(cursor, {
      'hartline.pickRecording': () => pickRecording(),
      'hartline.openDump': (arg) => openDump(arg),
      'hartline.toggleMarkers': () => {
        const on = markers.toggle();
        void vscode.window.setStatusBarMessage(`Hartline: CPU-switch markers ${on ? 'shown' : 'hidden'}`, 2000);
      },
    }),
    // Context keys for the walkthrough's steps and the timeline view's visibility.
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== 'hartline') return;
      const replay = s.configuration.mode === 'replay' || (!s.configuration.mode && s.configuration.recording && !s.configuration.program);
      void vscode.commands.executeCommand('setContext', replay ? 'hartline.replaying' : 'hartline.recording', true);
      void vscode.commands.executeCommand('setContext', 'hartline.hasTimeline', true);
    }),
  );
  return { cursor, markers };
}

export function deactivate(): void {}
