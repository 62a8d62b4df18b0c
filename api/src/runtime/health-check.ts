import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

export interface HealthCheck {
  path: string;
  timeoutMs: number;
  intervalMs: number;
  expectStatus: number;
}

/**
 * Polls the release until it answers the expected status, or the timeout passes, or `stopped` says the process
 * died or the start was cancelled (`signal` wakes the wait then). Resolves with the reason it failed, or undefined
 * when healthy.
 */
export async function waitHealthy(port: number, check: HealthCheck, stopped: () => string | undefined, signal?: AbortSignal): Promise<string | undefined> {
  const deadline = Date.now() + check.timeoutMs;
  // Poll quickly at first: most apps are up within a few hundred milliseconds.
  let delay = Math.min(50, check.intervalMs);
  let last = 'no answer yet';
  for (;;) {
    const death = stopped();
    if (death) return death;
    try {
      const response = await request(`http://127.0.0.1:${port}${check.path}`, {
        method: 'GET',
        ...(signal ? { signal } : {}),
        headersTimeout: Math.max(1000, check.intervalMs),
        bodyTimeout: Math.max(1000, check.intervalMs),
      });
      await response.body.dump();
      if (response.statusCode === check.expectStatus) return undefined;
      last = `answered ${response.statusCode}, expected ${check.expectStatus}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() + delay > deadline) return `health check ${check.path} failed for ${Math.round(check.timeoutMs / 1000)} s: ${last}`;
    await sleep(delay, undefined, signal ? { signal } : {}).catch(() => undefined);
    delay = Math.min(check.intervalMs, delay * 2);
  }
}
