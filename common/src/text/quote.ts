const secretLooking = /(sk|rk|pk)_live_|-----BEGIN|^[A-Za-z0-9+/_-]{32,}={0,2}$/;

/** Quotes a user value for a message: short, and never a value that looks like a secret. */
export function quoteValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = String(value);
  if (secretLooking.test(text)) return 'this value';
  return `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;
}

export function listOf(items: readonly string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
