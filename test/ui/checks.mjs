// The tour's assertions: each a named step that either passes or fails with what was seen, timed, and
// counted for the closing "N passed, N failed" line. After a failure the remaining steps are skipped (the
// workbench is in a state the next steps do not expect): listed as skipped, counted in neither number.
export class Checks {
  passed = 0;
  failed = 0;
  skipped = 0;
  failures = [];
  #started = Date.now();
  #stopped = false;
  #aborted = false;

  constructor({ onFailure } = {}) {
    this.onFailure = onFailure;
  }

  elapsed() {
    return `${((Date.now() - this.#started) / 1000).toFixed(1)}s`;
  }

  /** Runs `body`; a thrown error (a Playwright timeout, an assertion) fails the step. */
  async step(name, body) {
    if (this.#stopped) {
      this.skipped++;
      console.log(`  - ${name} (skipped)`);
      return undefined;
    }
    const started = Date.now();
    try {
      const result = await body();
      this.passed++;
      console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      return result;
    } catch (error) {
      if (this.#aborted) {
        // Cut short by abort() (a timeout, a signal), which counted the failure already.
        console.log(`  - ${name} (interrupted)`);
        return undefined;
      }
      this.failed++;
      this.#stopped = true;
      const message = error instanceof Error ? error.message : String(error);
      this.failures.push({ name, message });
      console.log(`  ✗ ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)\n${indent(message)}`);
      await this.onFailure?.(name).catch(() => undefined);
      return undefined;
    }
  }

  /** Fails the current run without a step (set-up broke, or the tour timed out). */
  fail(name, error) {
    this.failed++;
    this.#stopped = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.failures.push({ name, message });
    console.log(`  ✗ ${name}\n${indent(message)}`);
  }

  /** Ends the run from outside the steps (the tour timed out or was interrupted): one failure, the rest is not counted. */
  abort(name, error) {
    if (this.#aborted) return;
    this.fail(name, error);
    this.#aborted = true;
  }

  get aborted() {
    return this.#aborted;
  }

  get ok() {
    return this.failed === 0 && this.passed > 0;
  }

  /** The closing line, exactly "N passed, N failed" (what scripts/test.mjs and CI logs look for). */
  summary() {
    return `${this.passed} passed, ${this.failed} failed`;
  }
}

/** Throws with `message` unless `condition`. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function indent(text) {
  return text
    .replace(/\x1b\[[0-9;]*m/g, '') // Playwright's call log comes with terminal colours
    .split('\n')
    .slice(0, 25)
    .map((line) => `      ${line}`)
    .join('\n');
}
