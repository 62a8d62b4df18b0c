import { parseConfig, type ParsedConfig } from '../config/parse';
import type { ConfigDiagnostic } from './diagnostic';
import { schemaDiagnostics } from './schema-check';
import { semanticDiagnostics, type ValidationContext } from './semantic';
import { withoutSilenced } from './suppress';

export interface ValidationOptions {
  /** Diagnostic codes to drop everywhere (the `staging.validation.ignore` setting). */
  ignore?: readonly string[];
}

/** All problems of a staging.yaml, in document order: syntax, schema and semantic ones together. */
export function validateConfig(input: string | ParsedConfig, context: ValidationContext = {}, options: ValidationOptions = {}): ConfigDiagnostic[] {
  const parsed = typeof input === 'string' ? parseConfig(input) : input;
  const diagnostics: ConfigDiagnostic[] = [...parsed.problems, ...schemaDiagnostics(parsed), ...semanticDiagnostics(parsed, context)];
  const kept = withoutSilenced(diagnostics, parsed.lines, options.ignore ?? []);
  return kept.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
