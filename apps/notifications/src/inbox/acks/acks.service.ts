import { Injectable } from '@nestjs/common';
import type { Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { DataSource } from 'typeorm';
import { audiencesOf } from '../domain/audiences';
import { InboxFanout } from '../delivery/inbox-fanout';

/**
 * Records that a person saw each audience's notifications up to its seq, in one statement; only an
 * entry that exists can be acknowledged. One row per audience (the caller coalesces), since one
 * INSERT … ON CONFLICT may not touch a row twice.
 */
const ACK = `
  INSERT INTO inbox_acks (person, audience, acked_seq)
  SELECT $1, p.audience, p.seq FROM unnest($2::text[], $3::bigint[]) AS p(audience, seq)
   WHERE EXISTS (SELECT 1 FROM inbox_entries e WHERE e.audience = p.audience AND e.seq = p.seq)
  ON CONFLICT (person, audience) DO UPDATE SET acked_seq = GREATEST(inbox_acks.acked_seq, EXCLUDED.acked_seq), acked_at = now()
  RETURNING audience`;

export interface Ack {
  audience: string;
  seq: number;
}

/** Acknowledgements, per person (the token's subject): they stop re-sends and escalation. */
@Injectable()
export class Acks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fanout: InboxFanout,
  ) {}

  /** Acknowledges everything of `audience` up to `seq` for the calling person. */
  async acknowledge(principal: Principal, audience: string, seq: number): Promise<void> {
    const { refused } = await this.acknowledgeMany(principal, [{ audience, seq }]);
    if (refused.length > 0) throw notificationNotFound();
  }

  /**
   * Several acknowledgements, one per audience, in one write; those of no entry in the caller's
   * own inboxes come back refused (someone else's inbox answers as if it did not exist).
   */
  async acknowledgeMany(principal: Principal, acks: readonly Ack[]): Promise<{ recorded: Ack[]; refused: Ack[] }> {
    const own = new Set(audiencesOf(principal));
    const asked = acks.filter((a) => own.has(a.audience));
    const recordedAudiences = new Set<string>();
    if (asked.length > 0) {
      const rows = await this.dataSource.query<Array<{ audience: string }>>(ACK, [principal.sub, asked.map((a) => a.audience), asked.map((a) => a.seq)]);
      for (const row of rows) recordedAudiences.add(row.audience);
    }
    const recorded = asked.filter((a) => recordedAudiences.has(a.audience));
    for (const session of this.fanout.sessionsOf(principal.sub)) {
      for (const { audience, seq } of recorded) session.acknowledged(audience, seq);
    }
    return { recorded, refused: acks.filter((a) => !recordedAudiences.has(a.audience)) };
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

export function notificationNotFound(): DomainError {
  return new DomainError('not_found', 'NOTIFICATION_NOT_FOUND', 'no such notification in your inboxes');
}
