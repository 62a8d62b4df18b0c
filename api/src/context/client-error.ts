/** A request the caller got wrong: becomes a 4xx problem with this status. */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
