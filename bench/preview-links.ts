/**
 * What the preview-link check adds to a request: the same app (hello-node, deployed by a real stagingd)
 * through the same preview proxy, in the same run, plain (public environment, no cookie) against with a
 * valid preview session cookie (one HMAC, an in-memory revocation check, the cookie taken out of the
 * request). Requests alternate on one kept-alive connection so both see the same machine. Prints p50/p99
 * of each, the added p99 and the ratio; also the cost of one cookie check on its own (an HMAC the first
 * time a cookie value is seen, a lookup in memory after that). Then, apart, what the feedback widget adds to a
 * visitor's page load (the script tag put in as the HTML streams through, the body sent chunked) against the same
 * page load without a session.
 *
 *   npm run bench:preview-links     (BENCH_REQUESTS per kind, default 5000; BENCH_WARMUP, default 500)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { PreviewSessions } from '../api/src/proxy/preview-sessions';
import { stagedProject } from './support/staged-project';
import { stats, type Stats } from './support/stats';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 5000);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 500);
const HOST = 'staging--hello-node.localhost';

/** Microseconds per cookie check in this process: a value seen for the first time (one HMAC), and one seen before. */
function verifyCost(): { firstUs: number; knownUs: number } {
  const sessions = new PreviewSessions(randomBytes(32));
  const expires = Date.now() + 86_400_000;
  const values = Array.from({ length: 100_000 }, () => sessions.sign(randomUUID(), 'environment', expires));
  const timed = (batch: string[]): number => {
    const started = performance.now();
    for (const value of batch) if (!sessions.verify(value, 'environment')) throw new Error('a signed value did not verify');
    return ((performance.now() - started) * 1000) / batch.length;
  };
  timed(values.slice(0, 20_000)); // warm-up
  const firstUs = timed(values.slice(20_000));
  const known = values.slice(-5000);
  timed(known);
  return { firstUs, knownUs: timed([...known, ...known, ...known, ...known]) };
}

async function main(): Promise<void> {
  const project = await stagedProject();
  const pool = new Pool(`http://127.0.0.1:${project.stagingd.proxyPort}`, { connections: 1 });
  try {
    await project.deploy('develop');
    const created = await project.stagingd.api<{ token: string }>('POST', '/v1/projects/hello-node/environments/staging/previews', { label: 'bench' });
    if (created.status !== 201) throw new Error(`could not create a preview link: ${JSON.stringify(created.body)}`);
    const admitted = await pool.request({ method: 'GET', path: `/?staging_preview=${created.body.token}`, headers: { host: HOST } });
    await admitted.body.text();
    const cookie = String(admitted.headers['set-cookie'] ?? '').split(';')[0]!;
    if (admitted.statusCode !== 302 || !cookie.startsWith('staging_preview=')) throw new Error(`the link did not admit: ${admitted.statusCode}`);

    const kinds = { plain: { host: HOST }, session: { host: HOST, cookie } };
    const once = async (headers: Record<string, string>): Promise<number> => {
      const started = performance.now();
      const response = await pool.request({ method: 'GET', path: '/', headers });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`the proxy answered ${response.statusCode}`);
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP; i++) for (const headers of Object.values(kinds)) await once(headers);
    const samples = { plain: [] as number[], session: [] as number[] };
    for (let i = 0; i < REQUESTS; i++) {
      // Alternate which goes first, so neither always follows the other.
      const order = i % 2 === 0 ? (['plain', 'session'] as const) : (['session', 'plain'] as const);
      for (const kind of order) samples[kind].push(await once(kinds[kind]));
    }
    const plain = stats(samples.plain);
    const session = stats(samples.session);
    const round = (v: number): number => Math.round(v * 1000) / 1000;
    const addedP99 = round(session.p99 - plain.p99);
    const addedP50 = round(session.p50 - plain.p50);
    const ratioP99 = round(session.p99 / plain.p99);
    // Page loads (as a browser navigates): a visitor's gets the feedback widget's script tag.
    const navigation = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-dest': 'document' };
    const pages = { plain: { host: HOST, ...navigation }, widget: { host: HOST, cookie, ...navigation } };
    const withWidget = await pool.request({ method: 'GET', path: '/', headers: pages.widget });
    if (!(await withWidget.body.text()).includes('/__staging/feedback.js')) throw new Error("a visitor's page load did not get the feedback widget");
    for (let i = 0; i < WARMUP; i++) for (const headers of Object.values(pages)) await once(headers);
    const pageSamples = { plain: [] as number[], widget: [] as number[] };
    for (let i = 0; i < REQUESTS; i++) {
      const order = i % 2 === 0 ? (['plain', 'widget'] as const) : (['widget', 'plain'] as const);
      for (const kind of order) pageSamples[kind].push(await once(pages[kind]));
    }
    const pagePlain = stats(pageSamples.plain);
    const pageWidget = stats(pageSamples.widget);
    const widget = {
      plain: pagePlain,
      injected: pageWidget,
      addedP99Ms: round(pageWidget.p99 - pagePlain.p99),
      addedP50Ms: round(pageWidget.p50 - pagePlain.p50),
    };
    const verify = verifyCost();
    const check = { firstUs: round(verify.firstUs), knownUs: round(verify.knownUs) };
    const line = (name: string, s: Stats): string =>
      `  ${name.padEnd(13)} p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms   max ${s.max.toFixed(2)} ms`;
    console.log(`Preview link check: hello-node through the preview proxy, ${REQUESTS} requests of each kind alternating on one kept-alive connection`);
    console.log(line('plain', plain));
    console.log(line('with session', session));
    console.log(
      `  added p99 ${addedP99 >= 0 ? '+' : ''}${addedP99.toFixed(3)} ms (ratio ${ratioP99.toFixed(2)}), added p50 ${addedP50 >= 0 ? '+' : ''}${addedP50.toFixed(3)} ms`,
    );
    console.log(`Feedback widget: the same page loads (Accept: text/html, Sec-Fetch-Dest: document), ${REQUESTS} of each kind`);
    console.log(line('no session', pagePlain));
    console.log(line('with widget', pageWidget));
    console.log(
      `  added p99 ${widget.addedP99Ms >= 0 ? '+' : ''}${widget.addedP99Ms.toFixed(3)} ms, added p50 ${widget.addedP50Ms >= 0 ? '+' : ''}${widget.addedP50Ms.toFixed(3)} ms`,
    );
    console.log(`  one cookie check on its own: ${check.firstUs.toFixed(2)} µs the first time (an HMAC), ${check.knownUs.toFixed(2)} µs once known`);
    console.log(`BENCH_RESULT ${JSON.stringify({ requests: REQUESTS, plain, session, addedP99Ms: addedP99, addedP50Ms: addedP50, ratioP99, check, widget })}`);
  } finally {
    await pool.close();
    await project.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
