import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiagnosticSeverity, type CodeAction, type CompletionList, type DocumentSymbol, type MarkupContent } from 'vscode-languageserver-protocol';
import { BranchesRequest, ProjectContextChangedNotification, ProjectContextRequest, type StagingSettings } from '../../common/src/lsp-protocol';
import type { LspClient } from '../support/lsp-client';
import { header, rangeText } from '../support/text';
import { startServer } from './server-process';

const uri = 'file:///project/staging.yaml';

function summary(diagnostics: { code?: string | number; range: Parameters<typeof rangeText>[0] }[]): string[] {
  return diagnostics.map((d) => `${String(d.code)}@${rangeText(d.range)}`);
}

describe('the language server over stdio, as VS Code drives it', () => {
  let client: LspClient;
  let secrets = ['shop-db-url'];
  let settings: StagingSettings = { validation: { enabled: true, ignore: [] } };
  const branchRequests: string[] = [];

  before(async () => {
    client = await startServer({
      initializationOptions: { branches: true, projectContext: true },
      configuration: (item) => (item.section === 'staging' ? settings : null),
    });
    client.onRequest(BranchesRequest.type, (params) => {
      branchRequests.push(params.uri);
      return { branches: ['develop', 'main', 'feature/login'], tags: ['v1.0.0'] };
    });
    client.onRequest(ProjectContextRequest.type, () => ({ connected: true, secrets, environments: ['qa'] }));
  });

  after(async () => {
    assert.equal(await client.stop(), 0, 'the server exits cleanly on shutdown + exit');
  });

  it('announces its features on initialize', () => {
    const capabilities = client.initializeResult.capabilities;
    assert.equal(client.initializeResult.serverInfo?.name, 'staging-language-server');
    assert.ok(capabilities.completionProvider && capabilities.hoverProvider && capabilities.documentSymbolProvider && capabilities.codeActionProvider);
  });

  it('publishes exact diagnostics on open, for that version', async () => {
    const text = `${header}isolation:\n  payments: block\n  email: captur\nvariables:\n  DB:\n    secret: shop-db\n`;
    const published = client.nextDiagnostics(uri, { version: 1 });
    await client.open(uri, text);
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    assert.deepEqual(summary(diagnostics), ['not-enforced@6:12-6:17', 'invalid-value@7:9-7:15', 'unknown-secret@10:12-10:19']);
    assert.equal(diagnostics[0]?.source, 'staging');
  });

  it('publishes again after an edit, and clears what was fixed', async () => {
    const { diagnostics, version } = await client.changeAndWaitForDiagnostics(
      uri,
      `${header}isolation:\n  payments: block\n  email: capture\nvariables:\n  DB:\n    secret: shop-db-url\n`,
    );
    assert.equal(version, 2);
    // Left: that stagingd does not block payment calls yet, as information.
    assert.deepEqual(summary(diagnostics), ['not-enforced@6:12-6:17']);
    assert.equal(diagnostics[0]?.severity, DiagnosticSeverity.Information);
  });

  it('revalidates when the API reports new secrets', async () => {
    secrets = [];
    const next = client.nextDiagnostics(uri);
    await client.sendNotification(ProjectContextChangedNotification.type, {});
    assert.deepEqual(summary((await next).diagnostics), ['not-enforced@6:12-6:17', 'unknown-secret@10:12-10:23']);
    secrets = ['shop-db-url'];
    const cleared = client.nextDiagnostics(uri);
    await client.sendNotification(ProjectContextChangedNotification.type, {});
    assert.deepEqual(summary((await cleared).diagnostics), ['not-enforced@6:12-6:17']);
  });

  it('completes branch names by asking the client', async () => {
    await client.changeAndWaitForDiagnostics(uri, `${header}environments:\n  - name: staging\n    branch: \n`);
    const list = (await client.completion(uri, { line: 7, character: 12 })) as CompletionList;
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['develop', 'main', 'feature/login', 'v1.0.0'],
    );
    assert.deepEqual(branchRequests, [uri]);
  });

  it('completes secret names from the project context', async () => {
    await client.changeAndWaitForDiagnostics(uri, `${header}variables:\n  DB:\n    secret: \n`);
    const list = (await client.completion(uri, { line: 7, character: 12 })) as CompletionList;
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['shop-db-url'],
    );
  });

  it('completes keys with snippets', async () => {
    await client.changeAndWaitForDiagnostics(uri, `${header}isolation:\n  \n`);
    const list = (await client.completion(uri, { line: 6, character: 2 })) as CompletionList;
    const email = list.items.find((i) => i.label === 'email');
    assert.ok(email?.textEdit && 'range' in email.textEdit);
    assert.equal(email.textEdit.newText, 'email: ${1|capture,block,allow|}');
  });

  it("completes table names defined elsewhere in the file, from the worker's last validation", async () => {
    await client.changeAndWaitForDiagnostics(
      uri,
      `${header}database:\n  engine: postgres\n  source: postgres://localhost/shop\n  tables:\n    include: [users, orders]\n  anonymize:\n    \n`,
    );
    const list = (await client.completion(uri, { line: 11, character: 4 })) as CompletionList;
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['users', 'orders'],
    );
  });

  it('answers hover with the schema documentation', async () => {
    await client.changeAndWaitForDiagnostics(uri, `${header}isolation:\n  robots: block\n`);
    const result = await client.hover(uri, { line: 6, character: 4 });
    assert.match((result?.contents as MarkupContent).value, /^\*\*robots\*\*/);
  });

  it('offers quick fixes for the diagnostics it published, carried in their data', async () => {
    const { diagnostics } = await client.changeAndWaitForDiagnostics(uri, `${header}isolaton:\n  email: capture\n`);
    const actions = (await client.codeActions(uri, diagnostics[0]!.range, diagnostics)) as CodeAction[];
    const rename = actions.find((a) => a.title === "Change to 'isolation'");
    assert.deepEqual(rename?.edit?.changes?.[uri], [{ range: diagnostics[0]!.range, newText: 'isolation' }]);
  });

  it('outlines the document', async () => {
    const symbols = (await client.documentSymbols(uri)) as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['version', 'project', 'production', 'isolaton'],
    );
  });

  it('pulls settings per document and re-pulls them when they change', async () => {
    const other = 'file:///other/staging.yaml';
    const text = `${header}isolation:\n  payments: block\n  email: captur\n`;
    const first = client.nextDiagnostics(other);
    await client.open(other, text);
    assert.deepEqual(summary((await first).diagnostics), ['not-enforced@6:12-6:17', 'invalid-value@7:9-7:15']);
    settings = { validation: { enabled: true, ignore: ['invalid-value'] } };
    const second = client.nextDiagnostics(other);
    await client.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(summary((await second).diagnostics), ['not-enforced@6:12-6:17']);
    settings = { validation: { enabled: true, ignore: [] } };
  });

  it('clears diagnostics when a document closes', async () => {
    const cleared = client.nextDiagnostics(uri);
    await client.close(uri);
    assert.deepEqual((await cleared).diagnostics, []);
  });
});

describe('the language server for an editor without the Staging extension', () => {
  it('validates with default settings and never asks for branches or secrets', async () => {
    const client = await startServer({ capabilities: { workspace: { configuration: false } } });
    let asked = 0;
    client.onRequest(BranchesRequest.type, () => {
      asked++;
      return { branches: [], tags: [] };
    });
    const published = client.nextDiagnostics(uri);
    await client.open(uri, `${header}environments:\n  - name: staging\n    branch: \n`);
    assert.deepEqual(summary((await published).diagnostics), ['invalid-type@7:4-7:10']);
    const list = (await client.completion(uri, { line: 7, character: 12 })) as CompletionList;
    assert.ok(Array.isArray(list.items));
    assert.equal(asked, 0);
    assert.equal(await client.stop(), 0);
  });
});

describe("the language server next to other YAML files named staging.yaml (a Helm chart's values)", () => {
  const helm = 'file:///chart/values/staging.yaml';
  const values = 'replicaCount: 2\nimage:\n  repository: registry.example/shop\n  tag: "1.4.2"\nproduction:\n  enabled: false\n';

  it('reports nothing on it, offers nothing, and starts reporting once the file becomes a Staging config', async () => {
    const client = await startServer({ capabilities: { workspace: { configuration: false } } });
    const published = client.nextDiagnostics(helm);
    await client.open(helm, values);
    assert.deepEqual((await published).diagnostics, [], 'none of our errors on a file that is not ours');
    assert.equal(await client.hover(helm, { line: 0, character: 2 }), null);
    assert.equal(await client.completion(helm, { line: 6, character: 0 }), null);
    // The same file with the keys that make it ours: validated as one.
    const { diagnostics } = await client.changeAndWaitForDiagnostics(helm, `version: 1\nproject: shop\n${values}`);
    assert.ok(
      diagnostics.some((d) => d.code === 'unknown-key'),
      JSON.stringify(diagnostics.map((d) => d.code)),
    );
    assert.equal(await client.stop(), 0);
  });
});
