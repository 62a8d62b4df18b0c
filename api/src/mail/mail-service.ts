import type { StagingConfig } from '../../../common/src/config/model';
import type { SecretBox } from '../security/secret-box';
import type { EnvironmentRecord } from '../store/records';
import type { MailInboxes } from './inbox';
import { mailVariables, smtpPassword, type SmtpEndpoint } from './mail-variables';

/** What the API says of an environment's e-mail: staging.yaml's mode, and whether its releases reach the capture server. */
export interface MailState {
  mode: StagingConfig['isolation']['email'] | null;
  available: boolean;
  reason: string | null;
}

/**
 * E-mail isolation as deployments and the API see it: the variables that send a staging release's mail to
 * stagingd's SMTP server, and each environment's inbox.
 */
export class MailService {
  constructor(
    readonly inboxes: MailInboxes,
    private readonly box: SecretBox,
    private readonly endpoint: SmtpEndpoint,
    private readonly runner: 'local' | 'docker' | 'kubernetes',
  ) {}

  state(config: StagingConfig, env: Pick<EnvironmentRecord, 'kind'>): MailState {
    if (env.kind === 'production')
      return { mode: null, available: false, reason: "production's e-mail is its own: stagingd captures only staging environments'" };
    if (this.runner === 'docker')
      return {
        mode: config.isolation.email,
        available: false,
        reason:
          "with the Docker runner, containers do not reach stagingd's SMTP server yet: the mail variables point at the container's own loopback, so mail sent through them fails instead of leaving",
      };
    if (this.runner === 'kubernetes')
      return {
        mode: config.isolation.email,
        available: false,
        reason:
          "with the Kubernetes runner, pods do not reach stagingd's SMTP server yet: the mail variables point at the pod's own loopback, and the environment's NetworkPolicy lets no mail out",
      };
    return { mode: config.isolation.email, available: true, reason: null };
  }

  /**
   * A staging environment's mail variables (none for production). They win over staging.yaml's and the API's:
   * capture is only a promise if the app's mail settings cannot point elsewhere.
   */
  variables(env: Pick<EnvironmentRecord, 'id' | 'kind'>): Record<string, string> {
    if (env.kind === 'production') return {};
    return mailVariables(this.endpoint, env.id, smtpPassword(this.box, env.id));
  }
}
