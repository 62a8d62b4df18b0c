import type { SecretBox } from '../security/secret-box';

/** Where a staging release's e-mail goes: stagingd's SMTP server, and the credentials that name its environment. */
export interface SmtpEndpoint {
  /** As the release reaches it: 127.0.0.1 for local releases. */
  host: string;
  port: number;
}

/** An environment's SMTP password: derived from stagingd's key, so the same after a restart and never stored. */
export function smtpPassword(box: SecretBox, environmentId: string): string {
  return box.derive(`smtp:${environmentId}`);
}

/**
 * The variables mail libraries and frameworks read, all pointing at stagingd's capture server with the
 * environment's credentials (the user name is the environment's id): Nodemailer and most Node code (SMTP_URL,
 * SMTP_*), Laravel (MAIL_*), Django (EMAIL_*), Rails apps by convention (SMTP_ADDRESS). Plain SMTP on loopback:
 * no TLS to negotiate.
 */
export function mailVariables(endpoint: SmtpEndpoint, environmentId: string, password: string): Record<string, string> {
  const { host, port } = endpoint;
  const url = `smtp://${encodeURIComponent(environmentId)}:${encodeURIComponent(password)}@${host}:${port}`;
  return {
    SMTP_URL: url,
    SMTP_HOST: host,
    SMTP_ADDRESS: host,
    SMTP_PORT: String(port),
    SMTP_USER: environmentId,
    SMTP_USERNAME: environmentId,
    SMTP_PASSWORD: password,
    SMTP_PASS: password,
    SMTP_SECURE: 'false',
    MAIL_URL: url,
    MAIL_MAILER: 'smtp',
    MAIL_HOST: host,
    MAIL_PORT: String(port),
    MAIL_USERNAME: environmentId,
    MAIL_PASSWORD: password,
    MAIL_ENCRYPTION: 'null',
    EMAIL_URL: url,
    EMAIL_HOST: host,
    EMAIL_PORT: String(port),
    EMAIL_HOST_USER: environmentId,
    EMAIL_HOST_PASSWORD: password,
    EMAIL_USE_TLS: 'False',
    EMAIL_USE_SSL: 'False',
  };
}
