import type { Range } from '../config/positions';

/** Every diagnostic the validator can produce; stable, so users can silence one with `# staging-ignore <code>`. */
export const diagnosticCodes = [
  'yaml-syntax',
  'duplicate-key',
  'unknown-key',
  'missing-key',
  'invalid-type',
  'invalid-value',
  'invalid-format',
  'invalid-duration',
  'invalid-cron',
  'invalid-glob',
  'duplicate-environment',
  'reserved-environment',
  'environment-branch',
  'unsynced-table',
  'unknown-secret',
  'live-payment-key',
  'inline-password',
  'sqlite-source',
  'health-path',
  'page-path',
  'duplicate-viewport',
  'not-enforced',
  'email-allowed',
  'assets-source',
  'assets-target',
] as const;

export type DiagnosticCode = (typeof diagnosticCodes)[number];

export type Severity = 'error' | 'warning' | 'information';

/** What a quick fix needs, carried on the diagnostic so the code-action handler need not re-validate. */
export type DiagnosticFix =
  { kind: 'replace'; candidates: string[] } | { kind: 'add-key'; key: string; parentPath: (string | number)[] } | { kind: 'prefix'; text: string };

/** A staging.yaml problem; the language server and the API both report exactly this. */
export interface ConfigDiagnostic {
  code: DiagnosticCode;
  message: string;
  severity: Severity;
  range: Range;
  fix?: DiagnosticFix;
}
