import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  BranchesRequest,
  defaultSettings,
  ProjectContextChangedNotification,
  ProjectContextRequest,
  type StagingInitializationOptions,
  type StagingSettings,
} from '../../common/src/lsp-protocol';
import { claimOf } from '../../common/src/config/staging-document';
import { DocumentCache } from './document-cache';
import { complete, completionNeeds, type CompletionData } from './service/completion';
import { readSettings } from './settings';
import { DocumentWorker } from './worker/worker-client';

// Wiring only: every feature is a pure function in ./service. Completion reads the text here; the
// features that need the parsed document run in the document worker, so a large file's parse never
// makes a completion wait.
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new DocumentCache();
const worker = new DocumentWorker((message) => connection.console.error(message));
const pending = new Set<string>();
let client: { configuration: boolean; configurationChanges: boolean; options: StagingInitializationOptions } = {
  configuration: false,
  configurationChanges: false,
  options: {},
};

connection.onInitialize((params: InitializeParams) => {
  client = {
    configuration: params.capabilities.workspace?.configuration === true,
    configurationChanges: params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    options: (params.initializationOptions ?? {}) as StagingInitializationOptions,
  };
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' '] },
      hoverProvider: true,
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: 'staging-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (client.configurationChanges) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'staging' });
});

function pullSettings(uri: string): Promise<StagingSettings> {
  if (!client.configuration) return Promise.resolve(defaultSettings);
  return connection.workspace.getConfiguration({ scopeUri: uri, section: 'staging' }).then(readSettings, () => defaultSettings);
}

function pullProject(uri: string): Promise<ProjectContextRequest.Result | undefined> {
  if (!client.options.projectContext) return Promise.resolve(undefined);
  return connection.sendRequest(ProjectContextRequest.type, { uri }).then(
    (result) => result,
    () => undefined,
  );
}

/** Coalesces a burst of edits into one validation of the newest version. */
function scheduleValidation(uri: string): void {
  if (pending.has(uri)) return;
  pending.add(uri);
  setImmediate(() => {
    pending.delete(uri);
    void validate(uri);
  });
}

async function validate(uri: string): Promise<void> {
  const settings = await cache.settings(uri, () => pullSettings(uri));
  const project = await cache.project(uri, () => pullProject(uri));
  const document = documents.get(uri);
  if (!document) return;
  // Not a Staging config (a Helm values file named staging.yaml, say), or validation off: nothing of ours on it.
  if (!settings.validation.enabled || claimOf(document.getText()) !== 'ours') {
    await connection.sendDiagnostics({ uri, version: document.version, diagnostics: [] });
    return;
  }
  const context = project?.connected ? { secrets: project.secrets } : {};
  const result = await worker.request({ kind: 'validate', uri, version: document.version, context, options: { ignore: settings.validation.ignore } });
  // An edit that arrived meanwhile gets its own validation; publishing this one would flash stale results.
  if (result.diagnostics === null || result.hints === null || documents.get(uri)?.version !== document.version) return;
  cache.setHints(uri, result.hints);
  await connection.sendDiagnostics({ uri, version: document.version, diagnostics: result.diagnostics });
}

function revalidateAll(): void {
  for (const document of documents.all()) scheduleValidation(document.uri);
}

documents.onDidChangeContent(({ document }) => {
  worker.update(document.uri, document.version, document.getText());
  scheduleValidation(document.uri);
});
documents.onDidClose((event) => {
  cache.delete(event.document.uri);
  worker.close(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

connection.onDidChangeConfiguration(() => {
  cache.forgetSettings();
  revalidateAll();
});

connection.onNotification(ProjectContextChangedNotification.type, () => {
  cache.forgetProjects();
  revalidateAll();
});

/** The open document, when it is a Staging config (or, with `orEmpty`, a file with nothing in it yet). */
function stagingDocument(uri: string, orEmpty = false): TextDocument | undefined {
  const document = documents.get(uri);
  const claim = document && claimOf(document.getText());
  return claim === 'ours' || (orEmpty && claim === 'empty') ? document : undefined;
}

connection.onCompletion(async (params) => {
  const document = stagingDocument(params.textDocument.uri, true);
  if (!document) return null;
  const data: CompletionData = {};
  const hints = cache.hints(document.uri);
  if (hints) data.hints = hints;
  const need = completionNeeds(document, params.position);
  if (need === 'branches' && client.options.branches) {
    const refs = await connection.sendRequest(BranchesRequest.type, { uri: document.uri }).catch(() => undefined);
    data.branches = refs?.branches ?? [];
    data.tags = refs?.tags ?? [];
  } else if (need === 'secrets' || need === 'environments') {
    const project = await cache.project(document.uri, () => pullProject(document.uri));
    data.secrets = project?.secrets ?? [];
    data.environments = project?.environments ?? [];
  }
  return complete(document, params.position, data);
});

connection.onHover(({ textDocument, position }) =>
  stagingDocument(textDocument.uri) ? worker.request({ kind: 'hover', uri: textDocument.uri, position }) : null,
);

connection.onDocumentSymbol(({ textDocument }) => (stagingDocument(textDocument.uri) ? worker.request({ kind: 'symbols', uri: textDocument.uri }) : null));

connection.onCodeAction(({ textDocument, context }) =>
  stagingDocument(textDocument.uri) ? worker.request({ kind: 'codeActions', uri: textDocument.uri, diagnostics: context.diagnostics }) : null,
);

connection.onShutdown(() => worker.dispose());

documents.listen(connection);
connection.listen();
