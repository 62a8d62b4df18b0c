import * as vscode from 'vscode';

/**
 * Opens a preview (or production) URL in the browser through `env.asExternalUri`: in Remote-SSH, WSL or Codespaces
 * a URL of the remote machine becomes one the local browser reaches (VS Code forwards the port); locally it is as is.
 */
export async function openPreview(url: string): Promise<void> {
  await vscode.env.openExternal(await vscode.env.asExternalUri(vscode.Uri.parse(url)));
}
