import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const dayMs = 86_400_000;

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64}${base64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

function der(text: string): ArrayBuffer {
  const bytes = Buffer.from(text.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/**
 * A certificate authority of this stagingd (created once in the data directory, key mode 0600) that
 * issues a certificate for each preview host on first use. Trust `ca.crt` to browse previews over HTTPS.
 */
export class LocalCertificateAuthority {
  private readonly contexts = new Map<string, Promise<SecureContext>>();
  private leafKeys: Promise<CryptoKeyPair> | undefined;

  private constructor(
    readonly certificatePem: string,
    private readonly certificate: x509.X509Certificate,
    private readonly key: CryptoKey,
  ) {}

  static async open(directory: string): Promise<LocalCertificateAuthority> {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const keyFile = path.join(directory, 'ca.key');
    const certificateFile = path.join(directory, 'ca.crt');
    if (!existsSync(keyFile) || !existsSync(certificateFile)) {
      const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
      const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString('hex'),
        name: 'CN=Staging local preview CA',
        notBefore: new Date(Date.now() - dayMs),
        notAfter: new Date(Date.now() + 3650 * dayMs),
        keys,
        signingAlgorithm: algorithm,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ],
      });
      writeFileSync(keyFile, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
      writeFileSync(certificateFile, certificate.toString('pem'));
    }
    const certificatePem = readFileSync(certificateFile, 'utf8');
    const key = await webcrypto.subtle.importKey('pkcs8', der(readFileSync(keyFile, 'utf8')), algorithm, false, ['sign']);
    return new LocalCertificateAuthority(certificatePem, new x509.X509Certificate(certificatePem), key);
  }

  /** The TLS context for a host name, issued on first use and cached. */
  secureContext(servername: string): Promise<SecureContext> {
    const host = servername.toLowerCase();
    let context = this.contexts.get(host);
    if (!context) {
      context = this.issue(host);
      context.catch(() => this.contexts.delete(host));
      this.contexts.set(host, context);
    }
    return context;
  }

  private async issue(host: string): Promise<SecureContext> {
    // One key pair serves every host certificate: issuing stays fast, and the CA key never leaves this class.
    this.leafKeys ??= webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
    const leaf = await this.leafKeys;
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString('hex'),
      subject: `CN=${host}`,
      issuer: this.certificate.subject,
      notBefore: new Date(Date.now() - dayMs),
      notAfter: new Date(Date.now() + 397 * dayMs),
      signingKey: this.key,
      publicKey: leaf.publicKey,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.BasicConstraintsExtension(false),
      ],
    });
    const privateKey = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', leaf.privateKey));
    return createSecureContext({ key: privateKey, cert: `${certificate.toString('pem')}\n${this.certificatePem}` });
  }
}
