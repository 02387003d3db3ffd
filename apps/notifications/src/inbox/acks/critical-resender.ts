import { periodicTask, SERVICE_CONFIG } from '@petalpost/platform';
import { InboxFanout } from '../delivery/inbox-fanout';
import type { NotificationsConfig } from '../../notifications.config';
import { ackKey, Acks } from './acks.service';

export const CRITICAL_RESENDER = Symbol('CRITICAL_RESENDER');

/**
 * Sends unacknowledged critical notifications again (`resent: true`, same seq) to the connections
 * of each person who has not acknowledged them, every NOTIFY_RESEND_SECONDS. Each replica re-sends
 * to its own connections; acknowledgements given on another replica are read from the database.
 */
export const criticalResender = periodicTask(
  CRITICAL_RESENDER,
  (fanout: InboxFanout, acks: Acks, config: NotificationsConfig) => {
    const resendMs = config.NOTIFY_RESEND_SECONDS * 1000;
    return {
      name: 'critical-resend',
      everyMs: Math.min(1_000, Math.max(100, resendMs / 4)),
      pass: () => resendUnacknowledged(fanout, acks, resendMs),
      failure: 'could not re-send critical notifications',
    };
  },
  [InboxFanout, Acks, SERVICE_CONFIG],
);

async function resendUnacknowledged(fanout: InboxFanout, acks: Acks, resendMs: number): Promise<void> {
  const now = Date.now();
  const due = fanout.sessions().flatMap((session) => session.dueForResend(now, resendMs).map((entry) => ({ session, entry })));
  if (due.length === 0) return;
  const acked = await acks.acknowledgedBy(due.map(({ session, entry }) => ({ person: session.person, audience: entry.audience })));
  for (const { session, entry } of due) {
    const upTo = acked.get(ackKey(session.person, entry.audience));
    if (upTo !== undefined && upTo >= entry.seq) session.acknowledged(entry.audience, upTo);
    else session.resend(entry, now);
  }
}
