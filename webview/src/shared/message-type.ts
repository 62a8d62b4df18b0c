// The messages between a panel and its host are objects tagged by `type`: one check for every protocol.

/** A guard for the messages whose `type` is one of `types` (the protocol declares them once). */
export function messageGuard<T extends { type: string }>(types: readonly T['type'][]): (message: unknown) => message is T {
  const known: ReadonlySet<string> = new Set(types);
  return (message: unknown): message is T => {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    return typeof type === 'string' && known.has(type);
  };
}
