const secretLooking = /(sk|rk|pk)_live_|-----BEGIN|^[A-Za-z0-9+/_-]{32,}={0,2}$/;

/** Quotes a user value for a message: short, and never a value that looks like a secret. */
export function quoteValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = scalarText(value);
  if (secretLooking.test(text)) return 'this value';
  return `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;
}

export function listOf(items: readonly string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** A schema or YAML scalar as text; structured values as JSON rather than "[object Object]". */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value === undefined ? '' : JSON.stringify(value);
}
