import type * as vscode from 'vscode';
import { startLanguageClient } from './language-client';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // Disposing the client (on deactivation) stops the server.
  context.subscriptions.push(await startLanguageClient(context));
}
