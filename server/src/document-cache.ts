import type { ProjectContextRequest, StagingSettings } from '../../common/src/lsp-protocol';
import type { CompletionHints } from './service/completion';

/** What the server knows about one open document; dropped when the document closes. */
interface DocumentEntry {
  /** Names from the last validated version, for completion. */
  hints?: CompletionHints;
  settings?: Promise<StagingSettings>;
  project?: Promise<ProjectContextRequest.Result | undefined>;
}

/**
 * Per-document caches on the main thread: the settings and project context pulled for that document
 * (never server-wide), and names from the last validated version. Parsed documents live in the document worker.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentEntry>();

  hints(uri: string): CompletionHints | undefined {
    return this.entries.get(uri)?.hints;
  }

  setHints(uri: string, hints: CompletionHints): void {
    this.entry(uri).hints = hints;
  }

  settings(uri: string, pull: () => Promise<StagingSettings>): Promise<StagingSettings> {
    const entry = this.entry(uri);
    entry.settings ??= pull();
    return entry.settings;
  }

  project(uri: string, pull: () => Promise<ProjectContextRequest.Result | undefined>): Promise<ProjectContextRequest.Result | undefined> {
    const entry = this.entry(uri);
    entry.project ??= pull();
    return entry.project;
  }

  forgetSettings(): void {
    for (const entry of this.entries.values()) delete entry.settings;
  }

  forgetProjects(): void {
    for (const entry of this.entries.values()) delete entry.project;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  private entry(uri: string): DocumentEntry {
    let entry = this.entries.get(uri);
    if (!entry) {
      entry = {};
      this.entries.set(uri, entry);
    }
    return entry;
  }
}
