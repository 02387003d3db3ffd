import { sqlMigration } from '@petalpost/platform';

/**
 * The notification inboxes: one gapless sequence per audience. A writer takes the next number from
 * `inbox_heads` (the row lock makes each audience's sequence gapless and in commit order), so a
 * reader that has seen n and sees n + 2 knows n + 1 was dropped by retention, never that it is late.
 */
export const NotificationInbox1764000000600 = sqlMigration('NotificationInbox1764000000600', {
  up: [
    `CREATE TABLE inbox_heads (
      audience text PRIMARY KEY,
      last_seq bigint NOT NULL
    )`,
    // created_at is the clock at insert, after the head's lock: it grows with seq, so retention drops a prefix.
    `CREATE TABLE inbox_entries (
      audience     text NOT NULL,
      seq          bigint NOT NULL,
      event_id     uuid NOT NULL,
      event_type   text NOT NULL,
      shop_id      text NOT NULL,
      order_id     text NULL,
      critical     boolean NOT NULL,
      payload      jsonb NOT NULL,
      occurred_at  timestamptz NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (audience, seq),
      CONSTRAINT inbox_entries_once UNIQUE (audience, event_id)
    )`,
    `CREATE INDEX inbox_entries_created_at ON inbox_entries (created_at)`,
    `CREATE INDEX inbox_entries_critical ON inbox_entries (created_at) WHERE critical`,
    // Cumulative: a person who acknowledged seq n of an audience acknowledged everything up to n.
    `CREATE TABLE inbox_acks (
      person     text NOT NULL,
      audience   text NOT NULL,
      acked_seq  bigint NOT NULL,
      acked_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (person, audience)
    )`,
    `CREATE INDEX inbox_acks_audience ON inbox_acks (audience, acked_seq)`,
    `CREATE TABLE escalations (
      audience      text NOT NULL,
      seq           bigint NOT NULL,
      event_id      uuid NOT NULL,
      event_type    text NOT NULL,
      shop_id       text NOT NULL,
      order_id      text NULL,
      channel       text NOT NULL,
      notified_at   timestamptz NOT NULL,
      escalated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (audience, seq)
    )`,
    `CREATE INDEX escalations_shop ON escalations (shop_id, escalated_at DESC)`,
    `CREATE TABLE notification_preferences (
      person       text PRIMARY KEY,
      preferences  jsonb NOT NULL,
      updated_at   timestamptz NOT NULL DEFAULT now()
    )`,
    // People erased: an order event published before the erasure may be consumed after it.
    `CREATE TABLE erased_people (
      shop_id    text NOT NULL,
      person_id  text NOT NULL,
      erased_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (shop_id, person_id)
    )`,
    // Orders out for delivery and who carries them: their customers may follow that rider.
    `CREATE TABLE deliveries_on_the_road (
      order_id     text PRIMARY KEY,
      shop_id      text NOT NULL,
      rider_id     text NULL,
      on_the_road  boolean NOT NULL
    )`,
  ],
  down: ['erased_people', 'deliveries_on_the_road', 'notification_preferences', 'escalations', 'inbox_acks', 'inbox_entries', 'inbox_heads'].map(
    (table) => `DROP TABLE IF EXISTS ${table}`,
  ),
});
