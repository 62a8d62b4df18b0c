import { validateConfig } from '../../../common/src/validation/validate';
import { ClientError } from '../context/client-error';

/** Whether staging.yaml has errors (notes and warnings do not count). */
export function hasConfigErrors(text: string): boolean {
  return validateConfig(text).some((d) => d.severity === 'error');
}

/** A 422 with the same diagnostics the language server shows, 1-based as people read them. */
export function configProblem(text: string, source: string): ClientError {
  const diagnostics = validateConfig(text)
    .filter((d) => d.severity === 'error')
    .map((d) => ({
      code: d.code,
      message: d.message,
      severity: d.severity,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      end_line: d.range.end.line + 1,
      end_column: d.range.end.character + 1,
    }));
  const first = diagnostics[0]!;
  return new ClientError(
    422,
    `${source} is not valid: ${first.message} (line ${first.line}, column ${first.column})${diagnostics.length > 1 ? ` and ${diagnostics.length - 1} more` : ''}.`,
    {
      field: '/body/config',
      diagnostics,
    },
  );
}
