import * as vscode from 'vscode';
import type { CommandContext } from './command-context';

export async function signIn(context: CommandContext, token?: unknown): Promise<boolean> {
  const value =
    typeof token === 'string'
      ? token
      : await vscode.window.showInputBox({
          title: `Sign in to ${context.session.apiUrl()}`,
          prompt: 'The API token (for a local stagingd: the admin-token file in its data directory)',
          password: true,
          ignoreFocusOut: true,
        });
  if (!value) return false;
  await context.session.signIn(value.trim());
  void vscode.window.showInformationMessage(`Signed in to ${context.session.apiUrl()}.`);
  return true;
}

export async function signOut(context: CommandContext): Promise<void> {
  await context.session.signOut();
}

export async function refresh(context: CommandContext): Promise<void> {
  await context.session.check();
  context.tree.refresh();
}
