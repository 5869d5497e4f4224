// Entry point of the VS Code extension: the only place that registers UI. It wires the debug adapter, launch
// configurations, commands, CPU-switch markers, the status bar, the Hart Timeline panel, the recording dump, travel
// history and bookmarks, and the UART terminal.

import * as vscode from 'vscode';
import { AdapterFactory } from './adapter';
import { registerCommands } from './commands';
import {
  DynamicConfigurations,
  InitialConfigurations,
  LaunchCompletions,
  pendingNotes,
  pickRecording,
  recordWorkspace,
  replayRecording,
} from './configurations';
import { Cursor } from './cursor';
import { openDump, registerDumps } from './dump';
import { Markers } from './markers';
import { Navigation } from './navigation';
import { MissingSources } from './sources';
import { statusBar } from './statusbar';
import { registerTimeline } from './timelineView';
import { registerRaces } from './races';
import { huntCommand } from './hunt';
import { Uart } from './uart';

/** What activate returns: read by the extension-host test suite (test/e2e/suite/), not a public API. */
export interface HartlineApi {
  cursor: Cursor;
  markers: Markers;
  navigation: Navigation;
  uart: Uart;
  sources: MissingSources;
}

export function activate(context: vscode.ExtensionContext): HartlineApi {
  const range = () => vscode.workspace.getConfiguration('hartline').get<number>('markers.range', 8);
  const cursor = new Cursor(range);
  const markers = new Markers(context, cursor);
  const navigation = new Navigation(cursor);
  const uart = new Uart();
  const sources = new MissingSources(cursor);
  context.subscriptions.push(
    sources,
    cursor,
    markers,
    navigation,
    uart,
    vscode.debug.registerDebugAdapterDescriptorFactory('hartline', new AdapterFactory(context)),
    vscode.debug.registerDebugConfigurationProvider(
      'hartline',
      new InitialConfigurations(),
      vscode.DebugConfigurationProviderTriggerKind.Initial,
    ),
    vscode.debug.registerDebugConfigurationProvider(
      'hartline',
      new DynamicConfigurations(),
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.languages.registerCompletionItemProvider(
      { language: 'jsonc', pattern: '**/.vscode/launch.json' },
      new LaunchCompletions(),
      '"',
      '/',
    ),
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
      'hartline.recordWorkspace': () => recordWorkspace(),
      'hartline.replayRecording': () => replayRecording(),
      'hartline.showUart': () => uart.show(),
      ...navigation.commands(),
    }),
    // Context keys for the walkthrough's steps, and where a new recording goes, in the session's Debug Console.
    vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== 'hartline') return;
      const replay =
        s.configuration.mode === 'replay' ||
        (!s.configuration.mode && s.configuration.recording && !s.configuration.program);
      void vscode.commands.executeCommand('setContext', replay ? 'hartline.replaying' : 'hartline.recording', true);
      const note = pendingNotes.get(s.name);
      pendingNotes.delete(s.name);
      if (note) vscode.debug.activeDebugConsole.appendLine(`Hartline: ${note}`);
    }),
  );
  return { cursor, markers, navigation, uart, sources };
}

export function deactivate(): void {}
