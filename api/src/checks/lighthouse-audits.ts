/**
 * Runs Lighthouse (lighthouse-runner.ts, a process of its own) one audit at a time: audits measure time on the
 * machine's CPUs, and two at once would slow each other and skew both. The median run by performance score counts.
 */
import { execFile } from 'node:child_process';
import type { components } from '../../../common/src/api/schema';
import { browserEnvironment, CHROMIUM_ARGS, chromiumSandboxAllowed, hostResolverRules } from './chromium';
import type { AuditJob, AuditOutput, AuditRun } from './lighthouse-runner';

type Schemas = components['schemas'];

export interface Measured {
  scores: Schemas['LighthouseScores'];
  metrics: Schemas['LighthouseMetrics'];
}

export interface LighthouseAuditsOptions {
  /** The runner's file (node runs it). */
  runner: string;
  executablePath: string;
  baseDomain: string;
  proxyHost: string;
}

/** The longest one audit (all its runs) may take. */
const AUDIT_TIMEOUT_MS = 10 * 60_000;

export class LighthouseAudits {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LighthouseAuditsOptions) {}

  /** The page measured `runs` times with the preset: the median run. */
  measure(
    request: { url: string; preset: 'mobile' | 'desktop'; runs: number; gateways: { host: string; port: number }[] },
    signal: AbortSignal,
  ): Promise<Measured> {
    const measured = this.queue.then(() => this.run(request, signal));
    this.queue = measured.catch(() => undefined);
    return measured;
  }

  private async run(request: Parameters<LighthouseAudits['measure']>[0], signal: AbortSignal): Promise<Measured> {
    signal.throwIfAborted();
    const job: AuditJob = {
      url: request.url,
      preset: request.preset,
      runs: request.runs,
      chromePath: this.options.executablePath,
      chromeFlags: [
        '--headless=new',
        ...CHROMIUM_ARGS,
        ...(chromiumSandboxAllowed() ? [] : ['--no-sandbox']),
        '--ignore-certificate-errors',
        `--host-resolver-rules=${hostResolverRules(this.options.baseDomain, this.options.proxyHost, request.gateways)}`,
      ],
    };
    const output = await new Promise<AuditOutput>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [this.options.runner],
        { signal, timeout: AUDIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: browserEnvironment({ CHROME_PATH: this.options.executablePath }) },
        (error, stdout, stderr) => {
          if (error) return reject(new Error(String(stderr).trim().split('\n').pop() || error.message));
          try {
            resolve(JSON.parse(stdout) as AuditOutput);
          } catch {
            reject(new Error(`Lighthouse's runner answered no result: ${String(stderr).trim().split('\n').pop() ?? ''}`));
          }
        },
      );
      child.stdin?.end(JSON.stringify(job));
    });
    if ('error' in output) throw new Error(output.error);
    return present(median(output.runs));
  }
}

/** The run whose performance score is the median (the lower middle of an even count). */
export function median(runs: AuditRun[]): AuditRun {
  const sorted = [...runs].sort((a, b) => (a.scores.performance ?? -1) - (b.scores.performance ?? -1));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function present(run: AuditRun): Measured {
  const round = (value: number | null, digits = 0): number | null => (value === null ? null : Number(value.toFixed(digits)));
  return {
    scores: {
      performance: run.scores.performance,
      accessibility: run.scores.accessibility,
      best_practices: run.scores['best-practices'],
      seo: run.scores.seo,
    },
    metrics: {
      largest_contentful_paint_ms: round(run.metrics.lcp),
      cumulative_layout_shift: round(run.metrics.cls, 4),
      total_blocking_time_ms: round(run.metrics.tbt),
      first_contentful_paint_ms: round(run.metrics.fcp),
      speed_index_ms: round(run.metrics.speedIndex),
      load_time_ms: round(run.metrics.loadTime),
    },
  };
}
