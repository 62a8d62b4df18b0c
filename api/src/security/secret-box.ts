import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Encrypts secrets at rest with AES-256-GCM. The key lives in the data directory (mode 0600), or comes from
 * STAGINGD_SECRET_KEY where replicas sharing one store must all hold the same key.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The key given as base64 (STAGINGD_SECRET_KEY); the error never repeats it. */
  static fromKey(base64: string): SecretBox {
    const key = Buffer.from(base64.trim(), 'base64');
    if (key.length !== 32) throw new Error('STAGINGD_SECRET_KEY is not a 256-bit key in base64 (make one with: openssl rand -base64 32)');
    return new SecretBox(key);
  }

  static open(dataDir: string): SecretBox {
    const file = path.join(dataDir, 'secret.key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key`);
    return new SecretBox(key);
  }

  /** A secret of its own for `purpose` (a database role's password, say), the same each time, from this key. */
  derive(purpose: string): string {
    return createHmac('sha256', this.key).update(purpose).digest('base64url');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}
