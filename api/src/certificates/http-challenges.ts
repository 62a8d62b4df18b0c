import type { AcmeChallengeAnswers } from '../proxy/acme-challenges';

/**
 * The HTTP-01 challenges stagingd is waiting on, by host and token: what the preview proxy answers a CA with. Only
 * while an order waits; a token is forgotten as soon as its challenge is done, passed or failed.
 */
export class HttpChallenges implements AcmeChallengeAnswers {
  private readonly pending = new Map<string, string>();

  add(host: string, token: string, keyAuthorization: string): void {
    this.pending.set(`${host.toLowerCase()} ${token}`, keyAuthorization);
  }

  remove(host: string, token: string): void {
    this.pending.delete(`${host.toLowerCase()} ${token}`);
  }

  answer(host: string, token: string): string | undefined {
    return this.pending.get(`${host} ${token}`);
  }
}
