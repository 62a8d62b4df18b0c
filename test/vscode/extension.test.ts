/// <reference types="mocha" />
// The extension in a real VS Code: activation, and the language server's diagnostics and completion as
// the editor shows them. The workspace is a fresh copy of examples/hello-node (scripts/vscode/run-tests.mjs).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { header, rangeText } from '../support/text';

const extensionId = 'staging-dev.staging';

function workspaceFile(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the harness opens a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

async function writeAndOpen(uri: vscode.Uri, text: string): Promise<vscode.TextEditor> {
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

function stagingDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'staging');
}

/**
 * Resolves with the staging diagnostics of `uri` once `accept` takes them: checked now and on every
 * onDidChangeDiagnostics for that uri, never by polling. Call it before the change that should cause them
 * only if the current diagnostics cannot already satisfy `accept`.
 */
function diagnosticsWhen(uri: vscode.Uri, accept: (diagnostics: vscode.Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const diagnostics = stagingDiagnostics(uri);
      if (!accept(diagnostics)) return;
      done();
      resolve(diagnostics);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      done();
      const last = stagingDiagnostics(uri).map((d) => `${String(codeOf(d))}@${rangeText(d.range)} ${d.message}`);
      reject(new Error(`diagnostics of ${uri.fsPath} never satisfied the test; last: ${JSON.stringify(last)}`));
    }, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      subscription.dispose();
    }
    check();
  });
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? code.value : code;
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('Staging extension in VS Code', () => {
  suiteTeardown(async () => {
    // Every editor the tests open is saved or reverted first, so closing them cannot ask anything.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activates on its own in a workspace that holds a staging.yaml', () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is loaded from extensionDevelopmentPath`);
    // The extension host runs the tests only after the startup (workspaceContains) activations settled.
    assert.equal(extension.isActive, true, 'activated by workspaceContains:**/staging.yaml before the tests ran');
  });

  test('reports an invalid value at its exact range, then clears it once fixed', async () => {
    const uri = workspaceFile('invalid', 'staging.yaml');
    const editor = await writeAndOpen(uri, `${header}isolation:\n  email: captur\n  payments: block\n`);
    assert.equal(editor.document.languageId, 'yaml', 'staging.yaml is associated with YAML');

    const published = await diagnosticsWhen(uri, (d) => d.length > 0);
    // Beside the error, on the next line's value: stagingd does not block payment calls yet (information).
    assert.deepEqual(
      published.map((d) => [codeOf(d), rangeText(d.range), d.severity]),
      [
        ['invalid-value', '6:9-6:15', vscode.DiagnosticSeverity.Error],
        ['not-enforced', '7:12-7:17', vscode.DiagnosticSeverity.Information],
      ],
    );
    const diagnostic = published[0];
    assert.ok(diagnostic);
    assert.equal(rangeText(diagnostic.range), '6:9-6:15');
    assert.equal(editor.document.getText(diagnostic.range), 'captur');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /'captur' is not a valid value for 'email'/);

    const cleared = diagnosticsWhen(uri, (d) => !d.some((each) => codeOf(each) === 'invalid-value'));
    assert.ok(await editor.edit((edit) => edit.replace(diagnostic.range, 'capture')), 'the edit applies');
    assert.deepEqual(
      (await cleared).map((d) => [codeOf(d), rangeText(d.range)]),
      [['not-enforced', '7:12-7:17']],
    );
    assert.ok(await editor.document.save(), 'saved, so closing it asks nothing');
  });

  test('completes the keys of isolation', async () => {
    const uri = workspaceFile('completion', 'staging.yaml');
    await writeAndOpen(uri, `${header}isolation:\n  \n`);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(6, 2));
    const labels = list.items.map(labelOf);
    assert.ok(labels.includes('email'), `email among ${JSON.stringify(labels)}`);
    const email = list.items.find((item) => labelOf(item) === 'email');
    assert.ok(email?.insertText instanceof vscode.SnippetString, 'inserted as a snippet');
    assert.equal(email.insertText.value, 'email: ${1|capture,block,allow|}');
  });

  test("leaves a Helm chart's staging.yaml alone, and validates it once it is a Staging config", async () => {
    const uri = workspaceFile('chart', 'values', 'staging.yaml');
    const values = 'replicaCount: 2\nimage:\n  tag: "1.4.2"\n';
    const editor = await writeAndOpen(uri, `${header}${values}`);
    // Ours while it has project: and version: 1 (the header): replicaCount is an unknown key.
    await diagnosticsWhen(uri, (d) => d.some((each) => codeOf(each) === 'unknown-key'));
    const helm = new vscode.Range(0, 0, editor.document.lineCount, 0);
    assert.ok(await editor.edit((edit) => edit.replace(helm, values)), 'the edit applies');
    assert.deepEqual(await diagnosticsWhen(uri, (d) => d.length === 0), [], 'no diagnostic of ours on a Helm values file');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 3));
    assert.deepEqual(hovers, [], 'no hover of ours either');
    assert.ok(await editor.document.save(), 'saved, so closing it asks nothing');
  });
});
