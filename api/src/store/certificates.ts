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
  /** Forgets a name's certificates (its environment is gone); whether there were any. */
  delete(name: string): Promise<boolean>;
}

/** ACME accounts and certificates; private keys are sealed at rest. */
export class SqlCertificateStore implements CertificateStore {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
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

  async delete(name: string): Promise<boolean> {
    return (await this.database.run('DELETE FROM certificates WHERE name = ?', [name])) > 0;
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
