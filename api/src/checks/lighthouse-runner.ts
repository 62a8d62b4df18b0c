/**
 * Lighthouse on one page with one preset, `runs` times, in a process of its own: an audit holds the event loop for
 * seconds while it processes its trace, which stagingd's API and preview proxy must never wait for, and its Chrome
 * and memory go with the process. One Chrome serves the runs (Lighthouse resets the page's storage and cache before
 * each). Reads an AuditJob as JSON on stdin, writes an AuditOutput as JSON on stdout.
 */
import type * as Lighthouse from 'lighthouse' with { 'resolution-mode': 'import' };

export interface AuditJob {
  url: string;
  preset: 'mobile' | 'desktop';
  runs: number;
  chromePath: string;
  chromeFlags: string[];
}

export interface AuditRun {
  /** Category id -> score 0-100 (null: not scored). */
  scores: Record<'performance' | 'accessibility' | 'best-practices' | 'seo', number | null>;
  metrics: {
    lcp: number | null;
    cls: number | null;
    tbt: number | null;
    fcp: number | null;
    speedIndex: number | null;
    loadTime: number | null;
  };
}

export type AuditOutput = { runs: AuditRun[] } | { error: string };

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

function numeric(lhr: Lighthouse.Result, audit: string): number | null {
  const value = lhr.audits[audit]?.numericValue;
  return typeof value === 'number' ? value : null;
}

function summary(lhr: Lighthouse.Result): AuditRun {
  const score = (id: string): number | null => {
    const value = lhr.categories[id]?.score;
    return typeof value === 'number' ? Math.round(value * 100) : null;
  };
  const observed = (lhr.audits['metrics']?.details as { items?: { observedLoad?: number }[] } | undefined)?.items?.[0]?.observedLoad;
  return {
    scores: { performance: score('performance'), accessibility: score('accessibility'), 'best-practices': score('best-practices'), seo: score('seo') },
    metrics: {
      lcp: numeric(lhr, 'largest-contentful-paint'),
      cls: numeric(lhr, 'cumulative-layout-shift'),
      tbt: numeric(lhr, 'total-blocking-time'),
      fcp: numeric(lhr, 'first-contentful-paint'),
      speedIndex: numeric(lhr, 'speed-index'),
      loadTime: typeof observed === 'number' ? observed : null,
    },
  };
}

export async function audit(job: AuditJob): Promise<AuditOutput> {
  // Not in the VSIX's stagingd (the packages and their data are tens of MB): npm's stagingd has them.
  const missing = (error: unknown): never => {
    throw new Error(
      `Lighthouse cannot be loaded beside this stagingd (${(error as Error).message.split('\n')[0]}): run stagingd from npm (npx stagingd) for performance checks`,
    );
  };
  const { launch } = await import('chrome-launcher').catch(missing);
  const { default: lighthouse, desktopConfig } = await import('lighthouse').catch(missing);
  const chrome = await launch({ chromePath: job.chromePath, chromeFlags: job.chromeFlags, logLevel: 'silent' });
  try {
    const runs: AuditRun[] = [];
    for (let run = 0; run < job.runs; run++) {
      const result = await lighthouse(
        job.url,
        // is-crawlable left out: staging sends X-Robots-Tag: noindex on purpose (isolation.robots), and counting it would
        // take SEO points off every staging page against production.
        { port: chrome.port, output: 'json', logLevel: 'silent', onlyCategories: [...CATEGORIES], skipAudits: ['is-crawlable'] },
        job.preset === 'desktop' ? desktopConfig : undefined,
      );
      const lhr = result?.lhr;
      if (!lhr) return { error: 'Lighthouse returned no result' };
      if (lhr.runtimeError) return { error: `Lighthouse: ${lhr.runtimeError.message}` };
      runs.push(summary(lhr));
    }
    return { runs };
  } finally {
    chrome.kill();
  }
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const output = await audit(JSON.parse(input) as AuditJob).catch((error: unknown): AuditOutput => ({
    error: error instanceof Error ? error.message : String(error),
  }));
  process.stdout.write(JSON.stringify(output));
}

if (require.main === module) void main();
