import * as acme from 'acme-client';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { CertificateStore } from '../store/certificates';

export interface AcmeDirectory {
  /** The directory URL, e.g. Let's Encrypt's https://acme-v02.api.letsencrypt.org/directory. */
  url: string;
  /** The account's contact, for the CA's expiry notices. */
  email?: string;
  /** A CA to trust for the directory's own HTTPS besides the system's (a test CA such as pebble serves its own). */
  caFile?: string;
}

/**
 * stagingd's account with an ACME directory: its key made once and kept in the store (sealed), registered with the
 * CA on first use, agreeing to the CA's terms (the operator chose the CA with --acme-directory).
 */
export class AcmeAccount {
  private client: Promise<acme.Client> | undefined;

  constructor(
    private readonly directory: AcmeDirectory,
    private readonly store: CertificateStore,
  ) {
    // acme-client makes its requests through one axios instance of its own: only stagingd's ACME traffic trusts this CA.
    if (directory.caFile) acme.axios.defaults.httpsAgent = new https.Agent({ ca: [...rootCertificates, readFileSync(directory.caFile, 'utf8')] });
  }

  /** A client registered with the directory; after a failure (the CA unreachable, say) the next call tries again. */
  registered(): Promise<acme.Client> {
    if (!this.client) {
      const client = this.register();
      this.client = client;
      client.catch(() => {
        if (this.client === client) this.client = undefined;
      });
    }
    return this.client;
  }

  private async register(): Promise<acme.Client> {
    const url = this.directory.url;
    // Replicas sharing a store race to add one; all of them use the one kept.
    const account =
      (await this.store.account(url)) ??
      (await this.store.addAccount({
        directoryUrl: url,
        key: (await acme.crypto.createPrivateEcdsaKey()).toString(),
        url: null,
        createdAt: new Date().toISOString(),
      }));
    const client = new acme.Client({ directoryUrl: url, accountKey: account.key, ...(account.url ? { accountUrl: account.url } : {}) });
    if (!account.url) {
      // For a key the CA knows already this finds its account rather than making another.
      try {
        await client.createAccount({ termsOfServiceAgreed: true, ...(this.directory.email ? { contact: [`mailto:${this.directory.email}`] } : {}) });
      } catch (error) {
        // Another replica registered this key a moment before: the CA answered with its account (so the client has
        // its URL), and acme-client's update of it that follows is refused by some CAs (pebble) as an empty update.
        if (!hasAccountUrl(client)) throw error;
      }
      await this.store.setAccountUrl(url, client.getAccountUrl());
    }
    return client;
  }
}

function hasAccountUrl(client: acme.Client): boolean {
  try {
    client.getAccountUrl();
    return true;
  } catch {
    return false;
  }
}
