import type { SecretBox } from '../security/secret-box';
import { type Database, optionalText, type Row, text } from './database';

/** stagingd's account with one ACME directory: its key (a PEM, in the clear here, sealed at rest) and its URL once registered. */
export interface AcmeAccountRecord {
  directoryUrl: string;
  key: string;
  url: string | null;
  createdAt: string;
}

/** A certificate an ACME directory issued for one name (a preview host, or `*.<base domain>`), with its key. */
export interface CertificateRecord {
  directoryUrl: string;
  name: string;
  /** The certificate and the chain to the CA's root, PEM. */
  chain: string;
  /** The private key, PEM: in the clear here, sealed at rest. */
  key: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
}

/** An HTTP-01 challenge an order waits on: what the CA is to be answered at `http://<host>/.well-known/acme-challenge/<token>`. */
export interface AcmeChallengeRecord {
  host: string;
  token: string;
  /** Public by design (the CA fetches it over plain HTTP), so kept in the clear; never logged all the same. */
  keyAuthorization: string;
  /** After this the challenge is no longer answered (its order ended without removing it: the replica died, say). */
  expiresAt: string;
}

/** What stagingd needs of its ACME account and certificates: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface CertificateStore {
  account(directoryUrl: string): Promise<AcmeAccountRecord | undefined>;
  /** Keeps `account` unless the directory has one already (another replica's, say); the one kept. */
  addAccount(account: AcmeAccountRecord): Promise<AcmeAccountRecord>;
  setAccountUrl(directoryUrl: string, url: string): Promise<void>;
  /** The directory's certificates, by name. */
  list(directoryUrl: string): Promise<CertificateRecord[]>;
  /** Adds or replaces (a renewal) the certificate of a name. */
  put(certificate: CertificateRecord): Promise<void>;
  /** The directory's certificate for one name, if it has one. */
  get(directoryUrl: string, name: string): Promise<CertificateRecord | undefined>;
  /** Forgets a name's certificates (its environment is gone); whether there were any. */
  delete(name: string): Promise<boolean>;
  /**
   * Claims the ordering of a name's certificate for this replica, at `at`: true for one replica at a time, until it
   * calls releaseOrder, or until its claim is older than `staleBefore` (it died mid-order) and another claims it.
   */
  claimOrder(name: string, at: string, staleBefore: string): Promise<boolean>;
  /** Gives back this replica's claim on a name's order (done, or failed: a later sweep may try again). */
  releaseOrder(name: string): Promise<void>;
  /** Keeps a challenge for every replica to answer (and drops the ones expired); the same host and token again replaces it. */
  addChallenge(challenge: AcmeChallengeRecord): Promise<void>;
  /** The key authorization for a host's token, unless it expired before `now`. */
  challenge(host: string, token: string, now: string): Promise<string | undefined>;
  removeChallenge(host: string, token: string): Promise<void>;
}

/** ACME accounts and certificates, and the orders and challenges under way; private keys are sealed at rest. */
export class SqlCertificateStore implements CertificateStore {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
    /** This replica, for its claims on orders. */
    private readonly replica: string,
  ) {}

  async account(directoryUrl: string): Promise<AcmeAccountRecord | undefined> {
    const row = await this.database.get('SELECT directory_url, account_key, account_url, created_at FROM acme_accounts WHERE directory_url = ?', [
      directoryUrl,
    ]);
    return (
      row && {
        directoryUrl: text(row, 'directory_url'),
        key: this.box.open(text(row, 'account_key')),
        url: optionalText(row, 'account_url'),
        createdAt: text(row, 'created_at'),
      }
    );
  }

  async addAccount(account: AcmeAccountRecord): Promise<AcmeAccountRecord> {
    await this.database.run(
      'INSERT INTO acme_accounts (directory_url, account_key, account_url, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (directory_url) DO NOTHING',
      [account.directoryUrl, this.box.seal(account.key), account.url, account.createdAt],
    );
    return (await this.account(account.directoryUrl))!;
  }

  async setAccountUrl(directoryUrl: string, url: string): Promise<void> {
    await this.database.run('UPDATE acme_accounts SET account_url = ? WHERE directory_url = ?', [url, directoryUrl]);
  }

  async list(directoryUrl: string): Promise<CertificateRecord[]> {
    const rows = await this.database.all(
      'SELECT directory_url, name, chain, private_key, not_before, not_after, issued_at FROM certificates WHERE directory_url = ? ORDER BY name',
      [directoryUrl],
    );
    return rows.map((row) => this.certificate(row));
  }

  async put(certificate: CertificateRecord): Promise<void> {
    await this.database.run(
      `INSERT INTO certificates (directory_url, name, chain, private_key, not_before, not_after, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (directory_url, name) DO UPDATE SET chain = excluded.chain, private_key = excluded.private_key,
         not_before = excluded.not_before, not_after = excluded.not_after, issued_at = excluded.issued_at`,
      [
        certificate.directoryUrl,
        certificate.name,
        certificate.chain,
        this.box.seal(certificate.key),
        certificate.notBefore,
        certificate.notAfter,
        certificate.issuedAt,
      ],
    );
  }

  async get(directoryUrl: string, name: string): Promise<CertificateRecord | undefined> {
    const row = await this.database.get(
      'SELECT directory_url, name, chain, private_key, not_before, not_after, issued_at FROM certificates WHERE directory_url = ? AND name = ?',
      [directoryUrl, name],
    );
    return row && this.certificate(row);
  }

  async delete(name: string): Promise<boolean> {
    return (await this.database.run('DELETE FROM certificates WHERE name = ?', [name])) > 0;
  }

  async claimOrder(name: string, at: string, staleBefore: string): Promise<boolean> {
    // One statement: an insert, or taking over a stale claim; concurrent claimers see each other's row (PostgreSQL
    // waits on its lock and checks the condition again; SQLite writes one at a time), so one of them gets 1.
    const changed = await this.database.run(
      `INSERT INTO acme_orders (name, replica_id, claimed_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET replica_id = excluded.replica_id, claimed_at = excluded.claimed_at WHERE acme_orders.claimed_at < ?`,
      [name, this.replica, at, staleBefore],
    );
    return changed === 1;
  }

  async releaseOrder(name: string): Promise<void> {
    await this.database.run('DELETE FROM acme_orders WHERE name = ? AND replica_id = ?', [name, this.replica]);
  }

  async addChallenge(challenge: AcmeChallengeRecord): Promise<void> {
    await this.database.batch([
      { sql: 'DELETE FROM acme_challenges WHERE expires_at < ?', args: [new Date().toISOString()] },
      {
        sql: `INSERT INTO acme_challenges (host, token, key_authorization, expires_at) VALUES (?, ?, ?, ?)
              ON CONFLICT (host, token) DO UPDATE SET key_authorization = excluded.key_authorization, expires_at = excluded.expires_at`,
        args: [challenge.host.toLowerCase(), challenge.token, challenge.keyAuthorization, challenge.expiresAt],
      },
    ]);
  }

  async challenge(host: string, token: string, now: string): Promise<string | undefined> {
    const row = await this.database.get('SELECT key_authorization FROM acme_challenges WHERE host = ? AND token = ? AND expires_at > ?', [
      host.toLowerCase(),
      token,
      now,
    ]);
    return row && text(row, 'key_authorization');
  }

  async removeChallenge(host: string, token: string): Promise<void> {
    await this.database.run('DELETE FROM acme_challenges WHERE host = ? AND token = ?', [host.toLowerCase(), token]);
  }

  private certificate(row: Row): CertificateRecord {
    return {
      directoryUrl: text(row, 'directory_url'),
      name: text(row, 'name'),
      chain: text(row, 'chain'),
      key: this.box.open(text(row, 'private_key')),
      notBefore: text(row, 'not_before'),
      notAfter: text(row, 'not_after'),
      issuedAt: text(row, 'issued_at'),
    };
  }
}
