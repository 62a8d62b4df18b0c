import { scalarText } from '../../../common/src/text/quote';

/**
 * Renders a JSON Schema `defaultSnippets` body (a JSON value whose strings may hold `$1` / `${1:x}`)
 * as YAML block text, lines relative to the key's indentation.
 */
export function snippetYaml(body: unknown, indent = ''): string[] {
  if (Array.isArray(body)) {
    return body.flatMap((item) => {
      const inner = snippetYaml(item, `${indent}  `);
      if (isScalar(item) || inner.length === 0) return [`${indent}- ${scalar(item)}`];
      return [`${indent}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
    });
  }
  if (body !== null && typeof body === 'object') {
    return Object.entries(body).flatMap(([key, value]) => {
      if (isScalar(value)) return [`${indent}${key}: ${scalar(value)}`];
      const inner = snippetYaml(value, `${indent}  `);
      return inner.length === 0 ? [`${indent}${key}: ${Array.isArray(value) ? '[]' : '{}'}`] : [`${indent}${key}:`, ...inner];
    });
  }
  return [`${indent}${scalar(body)}`];
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  return scalarText(value);
}

/** Escapes text for use inside an LSP snippet. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

/** Whether a string would not read back as the same string if written as a plain YAML scalar. */
export function needsQuotes(text: string): boolean {
  return (
    text === '' || /^[\s*&!|>'"%@`{[\],#?:-]|: |\s#|\s$/.test(text) || /^(true|false|yes|no|on|off|null|~|[-+]?(\d[\d_]*)?\.?\d+(e[-+]?\d+)?)$/i.test(text)
  );
}

export function yamlString(text: string): string {
  return needsQuotes(text) ? JSON.stringify(text) : text;
}
