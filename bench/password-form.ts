/**
 * A real visitor's sign-in on a preview link's password form while 400 wrong passwords arrive from 40 addresses
 * (10 each, under the per-address limit), against the same sign-in with nothing else going on, same run. The
 * visitor's time is from posting the right password to the redirect with the session cookie. Target: under 2 s.
 *
 *   npm run bench:password-form      (BENCH_ADDRESSES, default 40; BENCH_POSTS_PER_ADDRESS, default 10)
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { stagedProject } from './support/staged-project';

const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 40);
const POSTS = Number(process.env['BENCH_POSTS_PER_ADDRESS'] ?? 10);
const HOST = 'staging--hello-node.localhost';

async function main(): Promise<void> {
  const project = await stagedProject();
  const base = `http://127.0.0.1:${project.stagingd.proxyPort}`;
  // Each attacker posts from its own loopback address (127.0.2.x), the visitor from 127.0.1.1.
  const agents = Array.from({ length: ADDRESSES }, (_, i) => new Agent({ localAddress: `127.0.2.${i + 1}` }));
  const visitor = new Agent({ localAddress: '127.0.1.1' });
  try {
    await project.deploy('develop');
    const created = await project.stagingd.api<{ token: string }>('POST', '/v1/projects/hello-node/environments/staging/previews', {
      label: 'bench',
      password: 'the right password',
    });
    if (created.status !== 201) throw new Error(`could not create a preview link: ${JSON.stringify(created.body)}`);
    const post = async (dispatcher: Agent, password: string): Promise<number> => {
      const body = new URLSearchParams({ token: created.body.token, password, next: '/' }).toString();
      const response = await request(`${base}/__staging/preview`, {
        method: 'POST',
        dispatcher,
        headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      await response.body.dump();
      return response.statusCode;
    };
    const signIn = async (): Promise<number> => {
      const started = performance.now();
      const status = await post(visitor, 'the right password');
      if (status !== 303) throw new Error(`the visitor's sign-in answered ${status}`);
      return performance.now() - started;
    };
    await signIn(); // warm-up (the dummy hash, connections)
    const quiet = await signIn();
    const flood = agents.flatMap((agent) => Array.from({ length: POSTS }, (_, i) => post(agent, `wrong ${i}`)));
    // The visitor comes while the wrong posts are queued.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const underFlood = await signIn();
    const statuses = await Promise.all(flood);
    const count = (status: number): number => statuses.filter((s) => s === status).length;
    const ms = (value: number): number => Math.round(value);
    console.log(`a visitor's sign-in on a preview link's password form, alone and while ${ADDRESSES * POSTS} wrong posts arrive from ${ADDRESSES} addresses`);
    console.log(
      `alone ${ms(quiet)} ms; under the flood ${ms(underFlood)} ms (ratio ${(underFlood / quiet).toFixed(1)}; target < 2000 ms: ${underFlood < 2000 ? 'met' : 'missed'})`,
    );
    console.log(`the wrong posts were answered: ${count(401)} wrong password (401), ${count(503)} busy (503), ${count(429)} too many (429)`);
    console.log(
      `BENCH_RESULT ${JSON.stringify({ passwordForm: { aloneMs: ms(quiet), underFloodMs: ms(underFlood), wrong: count(401), busy: count(503), tooMany: count(429) } })}`,
    );
  } finally {
    await Promise.all([...agents, visitor].map((agent) => agent.close()));
    await project.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
