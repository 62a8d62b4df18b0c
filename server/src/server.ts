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
import { DocumentCache } from './document-cache';
import { codeActions } from './service/code-actions';
import { complete, completionNeeds, type CompletionData } from './service/completion';
import { diagnostics } from './service/diagnostics';
import { hover } from './service/hover';
import { documentSymbols } from './service/symbols';
import { readSettings } from './settings';

// Wiring only: every feature is a pure function in ./service.
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new DocumentCache();
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
  const found = settings.validation.enabled
    ? diagnostics(cache.parsed(document), project?.connected ? { secrets: project.secrets } : {}, { ignore: settings.validation.ignore })
    : [];
  // An edit that arrived while we waited gets its own validation; publishing now would flash stale results.
  if (documents.get(uri)?.version !== document.version) return;
  await connection.sendDiagnostics({ uri, version: document.version, diagnostics: found });
}

function revalidateAll(): void {
  for (const document of documents.all()) scheduleValidation(document.uri);
}

documents.onDidChangeContent((change) => scheduleValidation(change.document.uri));
documents.onDidClose((event) => {
  cache.delete(event.document.uri);
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

connection.onCompletion(async (params) => {
  const document = documents.get(params.textDocument.uri);
  if (!document) return null;
  const data: CompletionData = { documentValue: cache.lastParsed(document.uri)?.value };
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

connection.onHover((params) => {
  const document = documents.get(params.textDocument.uri);
  return document ? hover(cache.parsed(document), params.position) : null;
});

connection.onDocumentSymbol((params) => {
  const document = documents.get(params.textDocument.uri);
  return document ? documentSymbols(cache.parsed(document)) : null;
});

connection.onCodeAction((params) => {
  const document = documents.get(params.textDocument.uri);
  return document ? codeActions(cache.parsed(document), document.uri, params.context.diagnostics) : null;
});

documents.listen(connection);
connection.listen();
