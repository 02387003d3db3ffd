import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Audience } from './domain/audiences';

/** One entry of an inbox, as read back for delivery. */
export interface InboxEntry {
  audience: Audience;
  seq: number;
  eventId: string;
  eventType: string;
  orderId: string | null;
  critical: boolean;
  data: unknown;
  occurredAt: string;
}

/** Where an inbox stands: the last number written (0: none) and the oldest still kept. */
export interface InboxBounds {
  head: number;
  oldestKept: number | undefined;
}

interface EntryRow {
  audience: string;
  seq: string;
  event_id: string;
  event_type: string;
  order_id: string | null;
  critical: boolean;
  payload: unknown;
  occurred_at: Date;
}

/** Reads of the inboxes: pages in sequence order, and where each inbox starts and ends. */
@Injectable()
export class InboxStore {
  constructor(private readonly dataSource: DataSource) {}

  async entriesAfter(audience: Audience, afterSeq: number, limit: number): Promise<InboxEntry[]> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT audience, seq, event_id, event_type, order_id, critical, payload, occurred_at
         FROM inbox_entries WHERE audience = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [audience, afterSeq, limit],
    );
    return rows.map(toEntry);
  }

  async entry(audience: Audience, seq: number): Promise<InboxEntry | undefined> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT audience, seq, event_id, event_type, order_id, critical, payload, occurred_at FROM inbox_entries WHERE audience = $1 AND seq = $2`,
      [audience, seq],
    );
    return rows[0] && toEntry(rows[0]);
  }

  async bounds(audiences: readonly Audience[]): Promise<Map<Audience, InboxBounds>> {
    const rows = await this.dataSource.query<Array<{ audience: string; head: string | null; oldest: string | null }>>(
      `SELECT a.audience, h.last_seq AS head, (SELECT min(seq) FROM inbox_entries e WHERE e.audience = a.audience) AS oldest
         FROM unnest($1::text[]) AS a(audience) LEFT JOIN inbox_heads h ON h.audience = a.audience`,
      [audiences],
    );
    return new Map(rows.map((r) => [r.audience, { head: Number(r.head ?? 0), oldestKept: r.oldest === null ? undefined : Number(r.oldest) }]));
  }
}

function toEntry(row: EntryRow): InboxEntry {
  return {
    audience: row.audience,
    seq: Number(row.seq),
    eventId: row.event_id,
    eventType: row.event_type,
    orderId: row.order_id,
    critical: row.critical,
    data: row.payload,
    occurredAt: row.occurred_at.toISOString(),
  };
}
