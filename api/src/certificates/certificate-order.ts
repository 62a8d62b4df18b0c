import * as acme from 'acme-client';
import { runDnsHook } from './dns-hook';
import type { HttpChallenges } from './http-challenges';

/** How the CA is shown that stagingd controls a name: HTTP-01 answered by the preview proxy, or DNS-01 through the operator's hook. */
export type Validation = { type: 'http-01'; challenges: HttpChallenges } | { type: 'dns-01'; hook: string };

export interface IssuedCertificate {
  /** The certificate and its chain, PEM. */
  chain: string;
  /** Its private key, PEM. */
  key: string;
  notBefore: Date;
  notAfter: Date;
}

/** One order: a new key (ECDSA P-256) and a certificate for `name` (a host, or `*.<domain>` with DNS-01). */
export async function orderCertificate(client: acme.Client, name: string, validation: Validation): Promise<IssuedCertificate> {
  const [key, csr] = await acme.crypto.createCsr({ altNames: [name] }, await acme.crypto.createPrivateEcdsaKey());
  const chain = await client.auto({
    csr,
    termsOfServiceAgreed: true,
    challengePriority: [validation.type],
    // The CA checks; a check from here first would need the CA's view of DNS and of port 80, which a server behind
    // NAT or split DNS does not have.
    skipChallengeVerification: true,
    challengeCreateFn: async (authz, challenge, keyAuthorization) => {
      // In the store before the CA is asked to validate: its request may reach another replica.
      if (validation.type === 'http-01') await validation.challenges.add(authz.identifier.value, challenge.token, keyAuthorization);
      else await runDnsHook(validation.hook, dnsChange('add', authz.identifier.value, keyAuthorization));
    },
    challengeRemoveFn: async (authz, challenge, keyAuthorization) => {
      if (validation.type === 'http-01') await validation.challenges.remove(authz.identifier.value, challenge.token);
      else await runDnsHook(validation.hook, dnsChange('remove', authz.identifier.value, keyAuthorization));
    },
  });
  const info = acme.crypto.readCertificateInfo(chain);
  return { chain, key: key.toString(), notBefore: info.notBefore, notAfter: info.notAfter };
}

/** For DNS-01 acme-client's key authorization is already the TXT value (a digest); the identifier has no `*.`. */
function dnsChange(action: 'add' | 'remove', domain: string, value: string): Parameters<typeof runDnsHook>[1] {
  return { action, domain, recordName: `_acme-challenge.${domain}`, recordValue: value };
}

/** A failed order's reason for the log, without the challenge tokens a CA's problem detail may quote. */
export function orderFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(\.well-known\/acme-challenge\/)[A-Za-z0-9_-]+/g, '$1<token>');
}
