// A tiny mocha-like runner for the tests that run inside VS Code's extension host (mocha is not a
// dependency). Tests register with suite()/test() (mocha's "tdd" names) and run one at a time, in order;
// the report mimics mocha's spec reporter and ends with the "N passed, N failed" line the harness reads.
import { inspect } from 'node:util';

type Fn = () => void | Promise<void>;
interface Test {
  title: string;
  fn: Fn;
  timeoutMs: number;
}
interface Suite {
  title: string;
  tests: Test[];
  setup: Fn[];
  teardown: Fn[];
}

const suites: Suite[] = [];
let current: Suite | undefined;

/** Milliseconds a test (or hook) may take before it fails; test(title, fn, ms) overrides it. */
export const defaultTimeoutMs = 20_000;

export function suite(title: string, register: () => void): void {
  const s: Suite = { title, tests: [], setup: [], teardown: [] };
  suites.push(s);
  current = s;
  try {
    register();
  } finally {
    current = undefined;
  }
}

function currentSuite(what: string): Suite {
  if (!current) throw new Error(`${what} must be called inside suite()`);
  return current;
}

export function test(title: string, fn: Fn, timeoutMs = defaultTimeoutMs): void {
  currentSuite('test()').tests.push({ title, fn, timeoutMs });
}

/** Runs once before the suite's first test; if it throws, the suite's tests fail without running. */
export function suiteSetup(fn: Fn): void {
  currentSuite('suiteSetup()').setup.push(fn);
}

/** Runs once after the suite's last test, whatever happened; an error in it counts as a failure. */
export function suiteTeardown(fn: Fn): void {
  currentSuite('suiteTeardown()').teardown.push(fn);
}

async function withTimeout(fn: Fn, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timeout of ${ms}ms exceeded (${what})`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Results {
  passed: number;
  failed: number;
}

/** Runs every registered suite, logs a spec-style report, and resolves with the counts. */
export async function runAll(log: (line: string) => void = console.log): Promise<Results> {
  const failures: { title: string; error: unknown }[] = [];
  let passed = 0;
  const started = Date.now();
  const fail = (title: string, error: unknown): void => {
    failures.push({ title, error });
    log(`    ${failures.length}) ${title.split(' :: ').pop()}`);
  };
  for (const s of suites) {
    log('');
    log(`  ${s.title}`);
    let setupError: unknown;
    for (const hook of s.setup) {
      try {
        await withTimeout(hook, defaultTimeoutMs, `"suiteSetup" hook of ${s.title}`);
      } catch (error) {
        setupError = error;
        fail(`${s.title} :: "suiteSetup" hook`, error);
        break;
      }
    }
    for (const t of s.tests) {
      if (setupError !== undefined) {
        fail(`${s.title} :: ${t.title}`, new Error('not run: the suiteSetup hook failed'));
        continue;
      }
      const t0 = Date.now();
      try {
        await withTimeout(t.fn, t.timeoutMs, t.title);
        passed++;
        log(`    \u2714 ${t.title} (${Date.now() - t0}ms)`);
      } catch (error) {
        fail(`${s.title} :: ${t.title}`, error);
      }
    }
    for (const hook of s.teardown) {
      try {
        await withTimeout(hook, defaultTimeoutMs, `"suiteTeardown" hook of ${s.title}`);
      } catch (error) {
        fail(`${s.title} :: "suiteTeardown" hook`, error);
      }
    }
  }
  log('');
  log(`  ${passed} passing (${Date.now() - started}ms)`);
  if (failures.length > 0) log(`  ${failures.length} failing`);
  failures.forEach(({ title, error }, i) => {
    const [suiteTitle, testTitle] = title.split(' :: ');
    log('');
    log(`  ${i + 1}) ${suiteTitle}`);
    log(`       ${testTitle}:`);
    const text = error instanceof Error ? (error.stack ?? String(error)) : inspect(error);
    log(
      text
        .split('\n')
        .map((line) => `     ${line}`)
        .join('\n'),
    );
  });
  log('');
  log(`${passed} passed, ${failures.length} failed`);
  return { passed, failed: failures.length };
}
