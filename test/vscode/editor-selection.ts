import * as vscode from 'vscode';

/** Resolves with the editor of `uri` once something selects text in it (a command opening a file at a diagnostic). */
export function selectionIn(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return new Promise((resolve) => {
    const subscription = vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => {
      if (textEditor.document.uri.toString() !== uri.toString() || textEditor.selection.isEmpty) return;
      subscription.dispose();
      resolve(textEditor);
    });
  });
}
