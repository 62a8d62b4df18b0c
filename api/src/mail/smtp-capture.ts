import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { MAX_CONNECTIONS, MAX_MESSAGE_BYTES, MailRefusal, type MailInboxes, type MailPolicy } from './inbox';
import type { Envelope } from './smtp-relay';

export interface SmtpCaptureOptions {
  host: string;
  port: number;
  inboxes: MailInboxes;
  /** The environment a user name (an environment id) stands for, and how it treats mail; undefined when there is none. */
  policyOf(environmentId: string): Promise<MailPolicy | undefined>;
  /** The password of an environment's SMTP user. */
  passwordOf(environmentId: string): string;
  onError(error: Error): void;
}

/**
 * stagingd's SMTP server, where staging releases' e-mail goes: plain SMTP on loopback (no STARTTLS), AUTH
 * required, each environment its own user so that a message lands in its sender's inbox and no other.
 */
export class SmtpCapture {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(options: SmtpCaptureOptions): Promise<SmtpCapture> {
    const server = new SMTPServer({
      name: 'stagingd',
      banner: 'stagingd e-mail capture',
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      size: MAX_MESSAGE_BYTES,
      // What one message may hold in memory times this bounds what senders can make stagingd hold at once.
      maxClients: MAX_CONNECTIONS,
      logger: false,
      // The sender is a release on this machine: no reverse DNS lookup of 127.0.0.1 before the greeting.
      disableReverseLookup: true,
      onAuth(auth, _session, callback) {
        void authenticate(options, auth.username ?? '', auth.password ?? '').then(
          (user) => (user ? callback(null, { user }) : callback(new Error('Invalid username or password'))),
          (error: unknown) => callback(error as Error),
        );
      },
      onData(stream, session, callback) {
        void receive(options, stream, session).then(
          () => callback(),
          (error: unknown) => callback(refusalOf(error, options)),
        );
      },
    });
    server.on('error', (error) => options.onError(error));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    return new SmtpCapture(server, (server.server.address() as AddressInfo).port);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function authenticate(options: SmtpCaptureOptions, username: string, password: string): Promise<string | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(username)) return undefined;
  const expected = Buffer.from(options.passwordOf(username));
  const given = Buffer.from(password);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  // An environment deleted since its release got the password no longer takes mail.
  return (await options.policyOf(username)) ? username : undefined;
}

async function receive(options: SmtpCaptureOptions, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
  const chunks: Buffer[] = [];
  // Past the size limit smtp-server still passes the data on: read to the end, keep none of it.
  for await (const chunk of stream) if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded) throw new MailRefusal(552, `the message is larger than the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB stagingd takes`);
  const policy = await options.policyOf(String(session.user));
  if (!policy?.accept) throw new MailRefusal(550, policy ? policy.reason : 'the environment no longer exists');
  const envelope: Envelope = {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((recipient) => recipient.address),
  };
  await options.inboxes.receive(policy, envelope, Buffer.concat(chunks));
}

/** The SMTP answer for a failure: a refusal as it says, anything else a temporary failure (and logged). */
function refusalOf(error: unknown, options: SmtpCaptureOptions): Error {
  if (error instanceof MailRefusal) return Object.assign(new Error(error.message), { responseCode: error.responseCode });
  options.onError(error instanceof Error ? error : new Error(String(error)));
  return Object.assign(new Error('stagingd could not store the message; try again'), { responseCode: 451 });
}
