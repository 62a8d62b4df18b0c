// The tour's assertions: each a named step that either passes or fails with what was seen, timed, and
// counted for the closing "N passed, N failed" line. After a failure the remaining steps are skipped
// (the workbench is in a state the next steps do not expect), and counted as such.
export class Checks {
  passed = 0;
  failed = 0;
  skipped = 0;
  failures = [];
  #started = Date.now();
  #stopped = false;

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
    .split('\n')
    .slice(0, 25)
    .map((line) => `      ${line}`)
    .join('\n');
}
