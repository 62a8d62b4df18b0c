import { createTransport, type Transporter } from 'nodemailer';

/** Who a message is from and to, as the SMTP envelope says (Bcc recipients included). */
export interface Envelope {
  from: string;
  to: string[];
}

/** Where isolation.email: allow sends messages on: the SMTP server of --smtp-relay, through Nodemailer. */
export class SmtpRelay {
  private readonly transport: Transporter;

  /** `url`: smtp://user:password@host:port or smtps://… (never echoed: it may hold a password). */
  constructor(url: string) {
    this.transport = createTransport(url);
  }

  /** Sends the message as it was received, to the envelope's recipients (Bcc ones included). */
  async send(envelope: Envelope, raw: Buffer): Promise<void> {
    await this.transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
  }

  close(): void {
    this.transport.close();
  }
}
