import type { CodeAction, Diagnostic, DocumentSymbol, Hover, Position } from 'vscode-languageserver';
import type { CompletionHints } from '../service/completion';
import type { ValidationContext } from '../../../common/src/validation/semantic';
import type { ValidationOptions } from '../../../common/src/validation/validate';

/**
 * Messages between the server's main thread and its document worker. The worker owns the parsed
 * documents, so parsing a large file never delays a completion on the main thread.
 */
export type WorkerRequest =
  | { kind: 'update'; uri: string; version: number; text: string }
  | { kind: 'close'; uri: string }
  | { kind: 'validate'; id: number; uri: string; version: number; context: ValidationContext; options: ValidationOptions }
  | { kind: 'hover'; id: number; uri: string; position: Position }
  | { kind: 'symbols'; id: number; uri: string }
  | { kind: 'codeActions'; id: number; uri: string; diagnostics: Diagnostic[] };

export type RequestKind = Extract<WorkerRequest, { id: number }>['kind'];

export interface ValidationResult {
  /** Null when a newer version arrived first: the caller drops it. */
  diagnostics: Diagnostic[] | null;
  /** Names from the file that completion offers elsewhere in it. */
  hints: CompletionHints | null;
}

export interface WorkerResults {
  validate: ValidationResult;
  hover: Hover | null;
  symbols: DocumentSymbol[] | null;
  codeActions: CodeAction[] | null;
}

export type WorkerResponse = { id: number; result: unknown } | { id: number; error: string };
