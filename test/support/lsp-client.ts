import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as lsp from 'vscode-languageserver-protocol/node';

export interface LspClientOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  initializationOptions?: unknown;
  /** Merged section by section (textDocument, workspace, window) over the defaults below. */
  capabilities?: lsp.ClientCapabilities;
  /** Answers each `workspace/configuration` item; default null. */
  configuration?: (item: lsp.ConfigurationItem) => unknown;
  workspaceFolders?: lsp.WorkspaceFolder[];
  /** Default timeout of requests and diagnostics waits, in ms (20 s). */
  timeoutMs?: number;
}

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };
export type TimedDiagnostics = { version: number; diagnostics: lsp.Diagnostic[]; elapsedMs: number };
type Publish = { params: lsp.PublishDiagnosticsParams; receivedAt: number };

const DEFAULT_CAPABILITIES: lsp.ClientCapabilities = {
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
    completion: { completionItem: { snippetSupport: true, documentationFormat: [lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText] } },
    hover: { contentFormat: [lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText] },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } }, isPreferredSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
  workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: false } },
  window: { workDoneProgress: true },
};

// Server->client requests that a headless client can acknowledge with null.
const ACKNOWLEDGED = ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create', 'window/showMessageRequest'];
const REFRESHES = ['codeLens', 'diagnostic', 'semanticTokens', 'inlayHint', 'inlineValue', 'foldingRange'].map((kind) => `workspace/${kind}/refresh`);

/** A minimal LSP client over stdio, for tests and benchmarks. */
export class LspClient {
  initializeResult!: lsp.InitializeResult;
  /** Settles when the server process has exited and its pipes are closed. */
  readonly exited: Promise<ExitStatus>;
  /** What the server wrote to stderr (last 64 KiB). */
  stderrText = '';
  private logs = '';
  private death: Error | undefined;
  private stopping = false;
  private readonly deathListeners = new Set<(err: Error) => void>();
  private readonly publishListeners = new Set<(publish: Publish) => void>();
  private readonly latest = new Map<string, lsp.PublishDiagnosticsParams>();
  private readonly versions = new Map<string, number>();
  private readonly connection: lsp.ProtocolConnection;

  private constructor(
    private readonly child: ChildProcess,
    private readonly timeoutMs: number,
  ) {
    this.exited = new Promise<ExitStatus>((resolve) => {
      const died = (status: ExitStatus, reason: string): void => {
        // Everyone still waiting learns why, with what the server printed last.
        this.death ??= new Error(`${this.stopping ? 'server stopped' : `server ${reason}`}${this.outputTail()}`);
        for (const listener of [...this.deathListeners]) listener(this.death);
        resolve(status);
      };
      // 'close' rather than 'exit': by then stderr has been read to the end.
      child.on('close', (code: number | null, signal: NodeJS.Signals | null) =>
        died({ code, signal }, `exited with code ${code}${signal ? ` (${signal})` : ''}`),
      );
      child.on('error', (err) => died({ code: null, signal: null }, `failed to start: ${err.message}`));
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText = (this.stderrText + chunk).slice(-65536)));
    child.stdin!.on('error', () => undefined); // EPIPE after a crash; the close handler reports it
    this.connection = lsp.createProtocolConnection(new lsp.StreamMessageReader(child.stdout!), new lsp.StreamMessageWriter(child.stdin!));
    this.connection.onNotification(lsp.PublishDiagnosticsNotification.type, (params) => {
      const publish = { params, receivedAt: performance.now() };
      this.latest.set(params.uri, params);
      for (const listener of [...this.publishListeners]) listener(publish);
    });
    // vscode-languageserver servers route console.* here, so keep it for error messages too.
    this.connection.onNotification(lsp.LogMessageNotification.type, (params) => {
      this.logs = (this.logs + `${params.message}\n`).slice(-65536);
    });
    for (const method of [...ACKNOWLEDGED, ...REFRESHES]) this.connection.onRequest(method, () => null);
  }

  static async start(command: string, args: string[], options: LspClientOptions = {}): Promise<LspClient> {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new LspClient(child, options.timeoutMs ?? 20_000);
    const configuration = options.configuration ?? (() => null);
    client.connection.onRequest(lsp.ConfigurationRequest.type, (params) => params.items.map((item) => configuration(item)));
    client.connection.listen();
    const { textDocument, workspace, window, ...rest } = options.capabilities ?? {};
    const capabilities: lsp.ClientCapabilities = {
      ...DEFAULT_CAPABILITIES,
      ...rest,
      textDocument: { ...DEFAULT_CAPABILITIES.textDocument, ...textDocument },
      workspace: { ...DEFAULT_CAPABILITIES.workspace, ...workspace },
      window: { ...DEFAULT_CAPABILITIES.window, ...window },
    };
    try {
      client.initializeResult = await client.sendRequest(lsp.InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: 'staging-test-client' },
        rootUri: options.workspaceFolders?.[0]?.uri ?? null,
        workspaceFolders: options.workspaceFolders ?? null,
        capabilities,
        initializationOptions: options.initializationOptions,
      });
      await client.sendNotification(lsp.InitializedNotification.type, {});
    } catch (err) {
      client.kill();
      throw err;
    }
    return client;
  }

  /** Answers a server->client request, e.g. a custom `staging/branches`. */
  onRequest<P, R>(type: lsp.RequestType<P, R, unknown> | string, handler: lsp.RequestHandler<P, R, unknown>): lsp.Disposable {
    return this.connection.onRequest(typeof type === 'string' ? type : type.method, handler);
  }

  async sendNotification<P>(type: lsp.NotificationType<P> | string, params?: P): Promise<void> {
    const method = typeof type === 'string' ? type : type.method;
    return params === undefined ? this.connection.sendNotification(method) : this.connection.sendNotification(method, params);
  }

  /** Rejects (and cancels the request) after `timeoutMs`, or when the server dies, rather than hanging. */
  async sendRequest<P, R>(type: lsp.RequestType<P, R, unknown> | string, params?: P, timeoutMs = this.timeoutMs): Promise<R> {
    const method = typeof type === 'string' ? type : type.method;
    const cts = new lsp.CancellationTokenSource();
    const work = params === undefined ? this.connection.sendRequest<R>(method, cts.token) : this.connection.sendRequest<R>(method, params, cts.token);
    return this.guard(
      work,
      `request ${method}`,
      timeoutMs,
      () => cts.dispose(),
      () => cts.cancel(),
    );
  }

  /** didOpen at version 1. */
  async open(uri: string, text: string, languageId = 'yaml'): Promise<number> {
    this.versions.set(uri, 1);
    await this.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return 1;
  }

  /** Full-document didChange; returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.sendNotification(lsp.DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.sendNotification(lsp.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The current version of an open document. */
  version(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  /** The latest diagnostics published for `uri`, if any. */
  diagnostics(uri: string): lsp.PublishDiagnosticsParams | undefined {
    return this.latest.get(uri);
  }

  /**
   * The next publish for `uri` from now on, at `version` or later; a publish without a version is
   * accepted since servers need not send one. Call it before sending the change it should answer.
   */
  async nextDiagnostics(uri: string, options: { version?: number; timeoutMs?: number } = {}): Promise<lsp.PublishDiagnosticsParams> {
    return (await this.waitForPublish(uri, options.version, options.timeoutMs ?? this.timeoutMs)).params;
  }

  /** didChange and the publish answering it, timed from just before the write to the publish's arrival. */
  async changeAndWaitForDiagnostics(uri: string, text: string, timeoutMs = this.timeoutMs): Promise<TimedDiagnostics> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    const answer = this.waitForPublish(uri, version, timeoutMs);
    answer.catch(() => undefined); // awaited below; this only covers a failing write in between
    const startedAt = performance.now();
    await this.change(uri, text);
    const { params, receivedAt } = await answer;
    return { version, diagnostics: params.diagnostics, elapsedMs: receivedAt - startedAt };
  }

  completion(uri: string, position: lsp.Position, timeoutMs?: number): Promise<lsp.CompletionList | lsp.CompletionItem[] | null> {
    return this.sendRequest(lsp.CompletionRequest.type, { textDocument: { uri }, position }, timeoutMs);
  }

  hover(uri: string, position: lsp.Position, timeoutMs?: number): Promise<lsp.Hover | null> {
    return this.sendRequest(lsp.HoverRequest.type, { textDocument: { uri }, position }, timeoutMs);
  }

  codeActions(uri: string, range: lsp.Range, diagnostics: lsp.Diagnostic[], timeoutMs?: number): Promise<(lsp.Command | lsp.CodeAction)[] | null> {
    return this.sendRequest(lsp.CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } }, timeoutMs);
  }

  documentSymbols(uri: string, timeoutMs?: number): Promise<lsp.DocumentSymbol[] | lsp.SymbolInformation[] | null> {
    return this.sendRequest(lsp.DocumentSymbolRequest.type, { textDocument: { uri } }, timeoutMs);
  }

  /** Peak resident set size (VmHWM) of the server process in MiB; undefined off Linux or once it has exited. */
  peakRssMiB(): number | undefined {
    try {
      const kib = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1];
      return kib === undefined ? undefined : Number(kib) / 1024;
    } catch {
      return undefined;
    }
  }

  /** shutdown + exit, then waits for the process (killing it after 5 s). Returns the exit code. */
  async stop(): Promise<number | null> {
    if (!this.death) {
      this.stopping = true;
      try {
        await this.sendRequest<null, null>(lsp.ShutdownRequest.method, undefined, 5_000);
        await this.sendNotification(lsp.ExitNotification.method);
      } catch {
        // Dead or hung: the kill below settles it.
      }
      const timer = setTimeout(() => this.kill(), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
    return (await this.exited).code;
  }

  kill(): void {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private waitForPublish(uri: string, version: number | undefined, timeoutMs: number): Promise<Publish> {
    let listener!: (publish: Publish) => void;
    const work = new Promise<Publish>((resolve) => {
      listener = (publish) => {
        const published = publish.params.version;
        if (publish.params.uri === uri && (version === undefined || published == null || published >= version)) resolve(publish);
      };
    });
    this.publishListeners.add(listener);
    const what = `diagnostics for ${uri}${version === undefined ? '' : ` version ${version}`}`;
    return this.guard(work, what, timeoutMs, () => this.publishListeners.delete(listener));
  }

  /** Settles like `work`, but rejects on timeout or as soon as the server dies. */
  private guard<T>(work: Promise<T>, what: string, timeoutMs: number, cleanup: () => void, onTimeout?: () => void): Promise<T> {
    let onDeath!: (err: Error) => void;
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      onDeath = (err) => reject(new Error(`${what}: ${err.message}`));
      timer = setTimeout(() => {
        onTimeout?.();
        reject(new Error(`${what} timed out after ${timeoutMs} ms${this.outputTail()}`));
      }, timeoutMs);
    });
    if (this.death) onDeath(this.death);
    else this.deathListeners.add(onDeath);
    return Promise.race([work, failure]).finally(() => {
      clearTimeout(timer);
      this.deathListeners.delete(onDeath);
      cleanup();
    });
  }

  private outputTail(): string {
    const section = (title: string, text: string): string => (text.trim() ? `\n--- ${title} (tail) ---\n${text.trim().slice(-2000)}` : '');
    return section('server stderr', this.stderrText) + section('window/logMessage', this.logs);
  }
}
