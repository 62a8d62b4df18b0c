import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { ParsedConfig } from '../../../common/src/config/parse';
import type { ConfigDiagnostic, DiagnosticFix } from '../../../common/src/validation/diagnostic';
import type { ValidationContext } from '../../../common/src/validation/semantic';
import { validateConfig, type ValidationOptions } from '../../../common/src/validation/validate';

const severities = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information } as const;

/** Carried in `Diagnostic.data` so code actions need not validate again. */
export interface DiagnosticData {
  fix?: DiagnosticFix;
}

export function diagnostics(parsed: ParsedConfig, context: ValidationContext, options: ValidationOptions): Diagnostic[] {
  return validateConfig(parsed, context, options).map(toLsp);
}

export function toLsp(diagnostic: ConfigDiagnostic): Diagnostic {
  const data: DiagnosticData = diagnostic.fix ? { fix: diagnostic.fix } : {};
  return { range: diagnostic.range, severity: severities[diagnostic.severity], code: diagnostic.code, source: 'staging', message: diagnostic.message, data };
}
