import * as vscode from 'vscode';
import { parseConfig } from '../../../common/src/config/parse';
import type { DatabaseSync } from '../api/staging-api';
import { CoalescedRun } from '../coalesced-run';
import type { LiveEvents } from '../live-events';
import type { Session } from '../session';
import { configText, isWorkspaceConfig, workspaceProjects } from '../workspace-projects';
import { addRulesInserts, anonymizeAnchor, existingRules, silencedAt, type AnonymizeRule } from './anonymize-rules';

export const unclassifiedCode = 'unclassified-column';

/** A column strict mode refused a sync for, with the environments whose last refusal named it. */
interface Refused {
  table: string;
  column: string;
  kind: string;
  reason: string;
  suggested: string;
  environments: string[];
}

function ended(sync: DatabaseSync): boolean {
  return sync.status !== 'queued' && sync.status !== 'running';
}

/**
 * Strict mode's refusals in the editor: when an environment's database sync was refused because columns that look
 * like personal data have no anonymisation rule, the project's staging.yaml (when the workspace has it) gets a
 * diagnostic per column on `database.anonymize` (or `database`), and a quick fix that adds the suggested rules. A
 * column whose rule the text has now is no longer reported; a later sync of that environment that succeeds clears
 * its refusal. Follows the sync events; reads the syncs of the workspace's projects again on sign-in and whenever the
 * events (re)connect.
 */
export class UnclassifiedColumns implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('staging-database');
  /** project -> environment -> its latest refused sync not followed by one that succeeded. */
  private readonly refused = new Map<string, Map<string, DatabaseSync>>();
  /** The newest sync seen of each environment that ended well ("project/environment" -> created_at). */
  private readonly succeeded = new Map<string, string>();
  /** staging.yaml URI -> its project, as last rendered. */
  private readonly projects = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly renderer = new CoalescedRun(() => this.render().catch((error: unknown) => this.warn(error)));
  private loading: AbortController | undefined;
  /** The sync news taken while a reload reads: taken again once it is done. */
  private meanwhile: DatabaseSync[] = [];

  constructor(
    private readonly session: Session,
    events: LiveEvents,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/staging.{yaml,yml}');
    this.disposables.push(
      events.onDatabaseSync((sync) => {
        if (this.loading) this.meanwhile.push(sync);
        if (this.accept(sync)) void this.renderer.run();
      }),
      session.onDidChange(() => void this.reload()),
      // What happened while the events were not followed (connecting after a sign-in, a drop) is read again.
      events.onState((state) => {
        if (state === 'connected') void this.reload();
      }),
      // Any workspace staging.yaml, not only those last rendered: a file can become a project's (or stop being one).
      vscode.workspace.onDidChangeTextDocument((event) => this.configChanged(event.document.uri)),
      vscode.workspace.onDidCloseTextDocument((document) => this.configChanged(document.uri)),
      watcher,
      watcher.onDidCreate((uri) => this.configChanged(uri)),
      watcher.onDidChange((uri) => this.configChanged(uri)),
      watcher.onDidDelete((uri) => this.configChanged(uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()),
      vscode.languages.registerCodeActionsProvider({ language: 'yaml', pattern: '**/staging.{yaml,yml}' }, this, {
        providedCodeActionKinds: UnclassifiedColumns.kinds,
      }),
    );
    void this.reload();
  }

  private configChanged(uri: vscode.Uri): void {
    if (this.projects.has(uri.toString()) || isWorkspaceConfig(uri)) void this.renderer.run();
  }

  /** Takes a sync's news; true when what the editor shows changes. */
  private accept(sync: DatabaseSync): boolean {
    const key = `${sync.project}/${sync.environment}`;
    const environments = this.refused.get(sync.project) ?? new Map<string, DatabaseSync>();
    const current = environments.get(sync.environment);
    if (sync.status === 'succeeded') {
      if ((this.succeeded.get(key) ?? '') < sync.created_at) this.succeeded.set(key, sync.created_at);
      if (!current || current.created_at > sync.created_at) return false;
      environments.delete(sync.environment);
      return true;
    }
    if (sync.status !== 'failed' || sync.unclassified.length === 0 || !ended(sync)) return false;
    if ((current && current.created_at > sync.created_at) || (this.succeeded.get(key) ?? '') > sync.created_at) return false;
    environments.set(sync.environment, sync);
    this.refused.set(sync.project, environments);
    return true;
  }

  /**
   * Reads the syncs of the workspace's projects again (sign-in, events reconnected, folders changed) and takes them in
   * place of what it knew in one step when all are read: until then the diagnostics stay as they were. The news that
   * came meanwhile is taken again after them, as it may be newer than what was read.
   */
  private async reload(): Promise<void> {
    this.loading?.abort();
    if (this.session.state !== 'signedIn') {
      this.loading = undefined;
      this.refused.clear();
      this.succeeded.clear();
      await this.renderer.run();
      return;
    }
    const abort = new AbortController();
    this.loading = abort;
    this.meanwhile = [];
    const api = this.session.api;
    const read: DatabaseSync[] = [];
    try {
      for (const { name } of await workspaceProjects()) {
        // What could not be read is kept as it was known.
        const known = this.refused.get(name) ?? new Map<string, DatabaseSync>();
        const environments = await api.environments(name, abort.signal).catch(() => undefined);
        if (!environments) read.push(...known.values());
        for (const env of environments?.filter((e) => e.kind !== 'production') ?? []) {
          const syncs = await api.databaseSyncs(name, env.name, 20, abort.signal).catch(() => undefined);
          // Newest first: the latest refusal counts unless a sync after it succeeded.
          const latest = syncs ? syncs.find((s) => s.status === 'succeeded' || (s.status === 'failed' && s.unclassified.length > 0)) : known.get(env.name);
          if (latest) read.push(latest);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) this.warn(error);
    }
    if (abort.signal.aborted) return;
    this.loading = undefined;
    this.refused.clear();
    this.succeeded.clear();
    for (const sync of [...read, ...this.meanwhile]) this.accept(sync);
    this.meanwhile = [];
    await this.renderer.run();
  }

  /** The diagnostics of every workspace staging.yaml, from its text now (the editor's when it is open). */
  private async render(): Promise<void> {
    const projects = await workspaceProjects();
    // Known whole before the next await: an edit made while this renders must find its file here (and render again).
    this.projects.clear();
    for (const project of projects) this.projects.set(project.config.toString(), project.name);
    const rendered = new Map<vscode.Uri, vscode.Diagnostic[]>();
    for (const project of projects) {
      const columns = this.columns(project.name);
      if (columns.length === 0) continue;
      const text = await configText(project.config);
      if (text === undefined) continue;
      const parsed = parseConfig(text);
      const anchor = anonymizeAnchor(parsed);
      const ignored = vscode.workspace.getConfiguration('staging.validation', project.config).get<string[]>('ignore', []);
      if (!anchor || ignored.includes(unclassifiedCode) || silencedAt(parsed, anchor.start.line, unclassifiedCode)) continue;
      const have = existingRules(parsed);
      const range = new vscode.Range(anchor.start.line, anchor.start.character, anchor.end.line, anchor.end.character);
      const diagnostics = columns
        .filter((c) => !have.has(`${c.table}.${c.column}`))
        .map((c) => {
          const where = c.environments.length === 1 ? c.environments[0] : c.environments.join(', ');
          const diagnostic = new vscode.Diagnostic(
            range,
            `${c.table}.${c.column} looks like personal data (${c.reason}) and has no rule in database.anonymize, so strict mode refused the database sync of ${where}. Suggested rule: ${c.column}: ${c.suggested} under ${c.table}.`,
            vscode.DiagnosticSeverity.Warning,
          );
          diagnostic.source = 'staging';
          diagnostic.code = unclassifiedCode;
          return diagnostic;
        });
      if (diagnostics.length > 0) rendered.set(project.config, diagnostics);
    }
    // Replaced in one step at the end: nobody sees the diagnostics cleared halfway through a render.
    this.collection.clear();
    for (const [uri, diagnostics] of rendered) this.collection.set(uri, diagnostics);
  }

  /** The refused columns of a project, over its environments (each column once). */
  private columns(project: string): Refused[] {
    const columns = new Map<string, Refused>();
    for (const [environment, sync] of this.refused.get(project) ?? []) {
      for (const c of sync.unclassified) {
        const key = `${c.table}.${c.column}`;
        const known = columns.get(key);
        if (known) known.environments.push(environment);
        else columns.set(key, { ...c, environments: [environment] });
      }
    }
    return [...columns.values()];
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === 'staging' && d.code === unclassifiedCode);
    const project = this.projects.get(document.uri.toString());
    if (ours.length === 0 || !project) return [];
    const text = document.getText();
    const have = existingRules(parseConfig(text));
    const rules: AnonymizeRule[] = this.columns(project)
      .filter((c) => !have.has(`${c.table}.${c.column}`))
      .map((c) => ({ table: c.table, column: c.column, strategy: c.suggested }));
    const inserts = rules.length > 0 ? addRulesInserts(text, rules) : undefined;
    if (!inserts || inserts.length === 0) return [];
    const action = new vscode.CodeAction(`Add anonymisation rules for ${rules.length} column${rules.length === 1 ? '' : 's'}`, vscode.CodeActionKind.QuickFix);
    action.diagnostics = this.collection.get(document.uri)?.filter((d) => d.code === unclassifiedCode) ?? ours;
    action.isPreferred = true;
    action.edit = new vscode.WorkspaceEdit();
    for (const insert of inserts) action.edit.insert(document.uri, document.positionAt(insert.offset), insert.text);
    return [action];
  }

  private warn(error: unknown): void {
    this.log.warn(`strict mode's refusals in the editor: ${error instanceof Error ? error.message : String(error)}`);
  }

  dispose(): void {
    this.loading?.abort();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
