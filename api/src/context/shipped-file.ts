import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Where a file stagingd ships is: `bundled` beside its bundle (dist/, where the build puts it), else `inCheckout`
 * in the nearest folder above the compiled sources that has it (a checkout run from out/); undefined when neither.
 */
export function shippedFile(bundled: string, inCheckout: string): string | undefined {
  const beside = path.join(__dirname, bundled);
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, inCheckout);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
