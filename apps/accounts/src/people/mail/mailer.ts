import type { Provider } from '@nestjs/common';
import { LOGGER, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Logger } from 'pino';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Where e-mail leaves the service. There is no SMTP transport yet: development and tests write mail to the log. */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}

/** Development and tests: the message goes to the structured log instead of a mailbox. */
export class LogMailer extends Mailer {
  constructor(private readonly logger: Logger) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    this.logger.info({ mail: message }, `mail to ${message.to} (development: written to the log, not sent)`);
  }
}

/** Production until a transport is configured: mail stays in the outbox, never in a log. */
export class NoTransportMailer extends Mailer {
  async send(): Promise<void> {
    throw new Error('no mail transport is configured: invitation e-mails wait in the outbox');
  }
}

export const mailerProvider: Provider = {
  provide: Mailer,
  inject: [SERVICE_CONFIG, LOGGER],
  useFactory: (config: ServiceConfig, logger: Logger) =>
    config.NODE_ENV === 'production' ? new NoTransportMailer() : new LogMailer(logger.child({ component: 'mailer' })),
};
