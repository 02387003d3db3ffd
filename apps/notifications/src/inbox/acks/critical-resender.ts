import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { InboxFanout } from '../delivery/inbox-fanout';
import type { NotificationsConfig } from '../../notifications.config';
import { ackKey, Acks } from './acks.service';

/**
 * Sends unacknowledged critical notifications again (`resent: true`, same seq) to the connections
 * of each person who has not acknowledged them, every NOTIFY_RESEND_SECONDS. Each replica re-sends
 * to its own connections; acknowledgements given on another replica are read from the database.
 */
@Injectable()
export class CriticalResender implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly resendMs: number;

  constructor(
    private readonly fanout: InboxFanout,
    private readonly acks: Acks,
    @Inject(SERVICE_CONFIG) config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.resendMs = config.NOTIFY_RESEND_SECONDS * 1000;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), Math.min(1_000, Math.max(100, this.resendMs / 4)));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const due = this.fanout.sessions().flatMap((session) => session.dueForResend(now, this.resendMs).map((entry) => ({ session, entry })));
      if (due.length === 0) return;
      const acked = await this.acks.acknowledgedBy(due.map(({ session, entry }) => ({ person: session.person, audience: entry.audience })));
      for (const { session, entry } of due) {
        const upTo = acked.get(ackKey(session.person, entry.audience));
        if (upTo !== undefined && upTo >= entry.seq) session.acknowledged(entry.audience, upTo);
        else session.resend(entry, now);
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not re-send critical notifications');
    } finally {
      this.running = false;
    }
  }
}
