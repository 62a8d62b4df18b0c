import type { TlsOptions } from 'node:tls';

/**
 * Stands in for smtp-server's own `tls-options.js` in stagingd's bundle (scripts/build.mjs): that one merges in a
 * built-in key and certificate, published with the package for servers that offer STARTTLS without their own. stagingd's
 * SMTP server offers no TLS at all (loopback, STARTTLS disabled), so it needs neither, and a private key in the VSIX is
 * what vsce's secret scan refuses.
 */
export default function getTLSOptions(options?: TlsOptions): TlsOptions {
  return { ...(options ?? {}) };
}
