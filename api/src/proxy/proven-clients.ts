/** Links remembered, and clients per link: the oldest are forgotten first. */
const MAX_LINKS = 10_000;
const MAX_CLIENTS_PER_LINK = 64;

/**
 * The clients (addresses) that entered a link's password right, per link, for as long as `ttlMs`: a link locked
 * by someone else's wrong guesses does not shut them out (their own address's count still holds). In memory, bounded.
 */
export class ProvenClients {
  private readonly links = new Map<string, Map<string, number>>();

  constructor(
    private readonly ttlMs = 24 * 60 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  add(linkId: string, client: string): void {
    const clients = this.links.get(linkId) ?? new Map<string, number>();
    this.links.delete(linkId);
    this.links.set(linkId, clients);
    clients.delete(client);
    clients.set(client, this.clock() + this.ttlMs);
    if (clients.size > MAX_CLIENTS_PER_LINK) clients.delete(clients.keys().next().value!);
    if (this.links.size > MAX_LINKS) this.links.delete(this.links.keys().next().value!);
  }

  has(linkId: string, client: string): boolean {
    const until = this.links.get(linkId)?.get(client);
    return until !== undefined && until > this.clock();
  }
}
