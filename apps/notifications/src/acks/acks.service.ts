import { Injectable } from '@nestjs/common';
import type { Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { DataSource } from 'typeorm';
import { audiencesOf } from '../domain/audiences';
import { InboxFanout } from '../delivery/inbox-fanout';

/** Records that a person saw an audience's notifications up to seq; only an entry that exists can be acknowledged. */
const ACK = `
  INSERT INTO inbox_acks (person, audience, acked_seq)
  SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM inbox_entries WHERE audience = $2 AND seq = $3)
  ON CONFLICT (person, audience) DO UPDATE SET acked_seq = GREATEST(inbox_acks.acked_seq, EXCLUDED.acked_seq), acked_at = now()
  RETURNING acked_seq`;

/** Acknowledgements, per person (the token's subject): they stop re-sends and escalation. */
@Injectable()
export class Acks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fanout: InboxFanout,
  ) {}

  /** Acknowledges everything of `audience` up to `seq` for the calling person. */
  async acknowledge(principal: Principal, audience: string, seq: number): Promise<void> {
    // Someone else's inbox answers as if it did not exist.
    if (!audiencesOf(principal).includes(audience)) throw notFound();
    const rows = await this.dataSource.query<unknown[]>(ACK, [principal.sub, audience, seq]);
    if (rows.length === 0) throw notFound();
    for (const session of this.fanout.sessionsOf(principal.sub)) session.acknowledged(audience, seq);
  }

  /** Of these (person, audience) pairs, the last seq each acknowledged. */
  async acknowledgedBy(pairs: ReadonlyArray<{ person: string; audience: string }>): Promise<Map<string, number>> {
    if (pairs.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ person: string; audience: string; acked_seq: string }>>(
      `SELECT a.person, a.audience, a.acked_seq FROM inbox_acks a
         JOIN unnest($1::text[], $2::text[]) AS p(person, audience) ON p.person = a.person AND p.audience = a.audience`,
      [pairs.map((p) => p.person), pairs.map((p) => p.audience)],
    );
    return new Map(rows.map((r) => [ackKey(r.person, r.audience), Number(r.acked_seq)]));
  }
}

export function ackKey(person: string, audience: string): string {
  return `${person}\u0000${audience}`;
}

function notFound(): DomainError {
  return new DomainError('not_found', 'NOTIFICATION_NOT_FOUND', 'no such notification in your inboxes');
}
