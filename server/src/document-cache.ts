import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig, type ParsedConfig } from '../../common/src/config/parse';
import type { ProjectContextRequest, StagingSettings } from '../../common/src/lsp-protocol';

/** What the server knows about one open document; dropped when the document closes. */
interface DocumentEntry {
  parsed?: { version: number; value: ParsedConfig };
  settings?: Promise<StagingSettings>;
  project?: Promise<ProjectContextRequest.Result | undefined>;
}

/**
 * Per-document caches: the parse of the current version (shared by diagnostics, hover, symbols and
 * code actions), and the settings and project context pulled for that document, never server-wide.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentEntry>();

  parsed(document: TextDocument): ParsedConfig {
    const entry = this.entry(document.uri);
    if (entry.parsed?.version !== document.version) entry.parsed = { version: document.version, value: parseConfig(document.getText()) };
    return entry.parsed.value;
  }

  /** The parse of the newest version already parsed, without parsing again (for completion's hints). */
  lastParsed(uri: string): ParsedConfig | undefined {
    return this.entries.get(uri)?.parsed?.value;
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
