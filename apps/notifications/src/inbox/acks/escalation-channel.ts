import type { Logger } from 'pino';

/** A critical notification nobody of its audience acknowledged in time. */
export interface Escalation {
  audience: string;
  seq: number;
  eventId: string;
  eventType: string;
  shopId: string;
  orderId: string | null;
  channel: string;
  notifiedAt: string;
  escalatedAt: string;
}

/**
 * Where escalations go beyond the app: SMS or e-mail to the shop's people in production. Called in
 * the sweep's transaction, after the escalation was recorded: a failure rolls the record back and
 * the next sweep tries again, so a channel may see an escalation twice, never zero times.
 */
export interface EscalationChannel {
  readonly name: string;
  escalate(escalation: Escalation): Promise<void>;
}

export const ESCALATION_CHANNEL = Symbol('ESCALATION_CHANNEL');

/** Development: the recorded row (GET /notifications/escalations) and a warning in the log are all that happens. */
export class DevelopmentEscalationChannel implements EscalationChannel {
  readonly name = 'development';

  constructor(private readonly logger: Logger) {}

  async escalate(escalation: Escalation): Promise<void> {
    this.logger.warn({ escalation }, `escalated: ${escalation.eventType} to ${escalation.audience} was not acknowledged`);
  }
}

export function escalationChannelFor(name: 'development', logger: Logger): EscalationChannel {
  switch (name) {
    case 'development':
      return new DevelopmentEscalationChannel(logger);
  }
}
