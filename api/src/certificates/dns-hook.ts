import { spawn } from 'node:child_process';

/** What a DNS hook is asked to do: put the TXT record for a DNS-01 challenge in place, or take it away. */
export interface DnsRecordChange {
  action: 'add' | 'remove';
  /** The name validated, without `*.`: `example.com` for `*.example.com`. */
  domain: string;
  /** `_acme-challenge.<domain>`. */
  recordName: string;
  /** The TXT record's value. */
  recordValue: string;
}

// Long enough for a hook that waits until its DNS provider's servers all answer with the record.
const HOOK_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs the operator's `--acme-dns-hook` command with `sh -c`, the change in ACME_ACTION, ACME_DOMAIN,
 * ACME_RECORD_NAME and ACME_RECORD_VALUE (as certbot's manual hooks get theirs), in stagingd's environment without
 * the admin token. It must exit 0 once the record is visible. Its output goes nowhere: a DNS provider's credentials
 * could be in it, and stagingd's log never holds a secret; the error says how it ended.
 */
export function runDnsHook(command: string, change: DnsRecordChange, timeoutMs = HOOK_TIMEOUT_MS): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ACME_ACTION: change.action,
    ACME_DOMAIN: change.domain,
    ACME_RECORD_NAME: change.recordName,
    ACME_RECORD_VALUE: change.recordValue,
  };
  delete env['STAGINGD_TOKEN'];
  delete env['STAGINGD_SECRET_KEY'];
  delete env['STAGINGD_STORE_URL']; // holds the store's password
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: 'ignore', detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`--acme-dns-hook could not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) return resolve();
      const how = timedOut ? `did not finish within ${timeoutMs / 1000} s` : signal ? `was stopped by ${signal}` : `exited with code ${String(code)}`;
      reject(new Error(`--acme-dns-hook (${change.action} ${change.recordName}) ${how}`));
    });
  });
}
