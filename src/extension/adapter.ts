// Where the hartline debug adapter runs: inline in the extension host by default (as the architecture asks), as a
// Node.js process on request, or on a `debugServer` port. The inline adapter is wrapped to apply `sourceMap`.

import * as vscode from 'vscode';
import { HartlineSession } from '../debug/session';
import { mapPaths } from './sourceMap';

type Message = { type: string; command?: string; arguments?: unknown; body?: unknown };

/**
 * The inline adapter, with the launch configuration's `sourceMap` ({ "path in the ELF": "path here" }) applied to
 * every source path that crosses: ELFs built elsewhere still open the workspace's copies of their sources.
 */
class MappedInlineAdapter implements vscode.DebugAdapter {
  private readonly inner = new HartlineSession();
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private readonly toLocal: [string, string][];
  private readonly toRemote: [string, string][];

  constructor(sourceMap: Record<string, string> | undefined) {
    const pairs = Object.entries(sourceMap ?? {}).map(
      ([a, b]) => [a.replace(/\/+$/, ''), b.replace(/\/+$/, '')] as [string, string],
    );
    this.toLocal = pairs;
    this.toRemote = pairs.map(([a, b]) => [b, a]);
    this.inner.onDidSendMessage((m) => {
      const msg = m as Message;
      if (this.toLocal.length) mapPaths(msg.body, this.toLocal);
      this.emitter.fire(msg as vscode.DebugProtocolMessage);
    });
  }

  handleMessage(m: vscode.DebugProtocolMessage): void {
    const msg = m as Message;
    if (this.toRemote.length && msg.type === 'request' && msg.command !== 'launch')
      mapPaths(msg.arguments, this.toRemote);
    this.inner.handleMessage(msg as never);
  }

  dispose(): void {
    this.inner.dispose();
    this.emitter.dispose();
  }
}

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly context: vscode.ExtensionContext) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const c = session.configuration;
    if (typeof c.debugServer === 'number') return new vscode.DebugAdapterServer(c.debugServer, '127.0.0.1');
    if (vscode.workspace.getConfiguration('hartline').get('adapter') === 'process') {
      return new vscode.DebugAdapterExecutable('node', [
        vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'debugAdapter.js').fsPath,
      ]);
    }
    return new vscode.DebugAdapterInlineImplementation(new MappedInlineAdapter(c.sourceMap));
  }
}
