import type { ServerLog } from '../logs/server-log';
import type { AcmeChallengeAnswers } from '../proxy/acme-challenges';
import type { CertificateStore } from '../store/certificates';

// Longer than an order waits on its validation; a challenge its order never removed (the replica died) is not
// answered past it.
const CHALLENGE_TTL_MS = 60 * 60_000;

/**
 * The HTTP-01 challenges stagingd is waiting on, by host and token: what the preview proxy answers a CA with. Only
 * while an order waits; a token is forgotten as soon as its challenge is done, passed or failed. Kept in memory for
 * this replica and in the store for the others: the CA's request may reach any replica's port 80.
 */
export class HttpChallenges implements AcmeChallengeAnswers {
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly store: Pick<CertificateStore, 'addChallenge' | 'challenge' | 'removeChallenge'>,
    private readonly log: ServerLog,
  ) {}

  /** Resolves once every replica can answer it: the order asks the CA to validate only then. */
  async add(host: string, token: string, keyAuthorization: string): Promise<void> {
    this.pending.set(`${host.toLowerCase()} ${token}`, keyAuthorization);
    await this.store.addChallenge({ host, token, keyAuthorization, expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS).toISOString() });
  }

  async remove(host: string, token: string): Promise<void> {
    this.pending.delete(`${host.toLowerCase()} ${token}`);
    await this.store.removeChallenge(host, token);
  }

  /** This replica's own orders first; then another replica's, from the store. */
  async answer(host: string, token: string): Promise<string | undefined> {
    const own = this.pending.get(`${host} ${token}`);
    if (own !== undefined) return own;
    try {
      return await this.store.challenge(host, token, new Date().toISOString());
    } catch (error) {
      // Unanswered, the CA's validation fails and the order says so; the token stays out of the log.
      this.log(`ACME: reading HTTP-01 challenges from the store failed: ${(error as Error).message}`, 'warn');
      return undefined;
    }
  }
}
