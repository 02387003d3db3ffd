import { periodicTask, runAlone, SERVICE_CONFIG } from '@petalpost/platform';
import { DataSource } from 'typeorm';
import type { NotificationsConfig } from '../../notifications.config';
import { type Escalation, ESCALATION_CHANNEL, type EscalationChannel } from './escalation-channel';

/**
 * Critical entries older than the escalation delay that nobody reading their audience acknowledged
 * and that were not escalated yet, recorded as escalated in the same statement. The operators'
 * feed is a monitor of every shop, not a recipient: it is never escalated.
 */
const ESCALATE_DUE = `
  WITH due AS (
    SELECT e.audience, e.seq, e.event_id, e.event_type, e.shop_id, e.order_id, e.created_at
      FROM inbox_entries e
     WHERE e.critical AND e.audience <> 'operator'
       AND e.created_at < clock_timestamp() - make_interval(secs => $1)
       AND NOT EXISTS (SELECT 1 FROM inbox_acks a WHERE a.audience = e.audience AND a.acked_seq >= e.seq)
       AND NOT EXISTS (SELECT 1 FROM escalations x WHERE x.audience = e.audience AND x.seq = e.seq)
     ORDER BY e.created_at
     LIMIT 100
  )
  INSERT INTO escalations (audience, seq, event_id, event_type, shop_id, order_id, channel, notified_at)
  SELECT audience, seq, event_id, event_type, shop_id, order_id, $2, created_at FROM due
  ON CONFLICT DO NOTHING
  RETURNING audience, seq, event_id, event_type, shop_id, order_id, channel, notified_at, escalated_at`;

export interface EscalationRow {
  audience: string;
  seq: string;
  event_id: string;
  event_type: string;
  shop_id: string;
  order_id: string | null;
  channel: string;
  notified_at: Date;
  escalated_at: Date;
}

export function toEscalation(row: EscalationRow): Escalation {
  return {
    audience: row.audience,
    seq: Number(row.seq),
    eventId: row.event_id,
    eventType: row.event_type,
    shopId: row.shop_id,
    orderId: row.order_id,
    channel: row.channel,
    notifiedAt: row.notified_at.toISOString(),
    escalatedAt: row.escalated_at.toISOString(),
  };
}

export const ESCALATION_SWEEP = Symbol('ESCALATION_SWEEP');

/** Escalates what nobody acknowledged. One replica sweeps at a time, so nothing is escalated twice. */
export const escalationSweep = periodicTask(
  ESCALATION_SWEEP,
  (dataSource: DataSource, channel: EscalationChannel, config: NotificationsConfig) => ({
    name: 'escalations',
    everyMs: Math.min(10_000, Math.max(250, (config.NOTIFY_ESCALATE_SECONDS * 1000) / 4)),
    pass: () =>
      runAlone(dataSource, 'escalations', async (db) => {
        const rows = await db.query<EscalationRow[]>(ESCALATE_DUE, [config.NOTIFY_ESCALATE_SECONDS, channel.name]);
        for (const row of rows) await channel.escalate(toEscalation(row));
      }),
    failure: 'escalation sweep failed; the next one retries',
  }),
  [DataSource, ESCALATION_CHANNEL, SERVICE_CONFIG],
);
