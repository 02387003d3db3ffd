import type { MigrationInterface, QueryRunner } from 'typeorm';

export const INBOX_MIGRATION_NAME = 'KafkaInbox1764000000000';

/**
 * The inbox of a service's consumers, in the service's schema (search_path): one row per message
 * handled, written in the handler's transaction, so a redelivered message is recognised and skipped.
 * Add `inboxMigration()` to the service's migrations.
 */
export function inboxMigration(): new () => MigrationInterface {
  return class KafkaInbox1764000000000 implements MigrationInterface {
    name = INBOX_MIGRATION_NAME;

    async up(db: QueryRunner): Promise<void> {
      await db.query(`
        CREATE TABLE IF NOT EXISTS inbox (
          group_id        text NOT NULL,
          message_id      text NOT NULL,
          topic           text NOT NULL,
          kafka_partition integer NOT NULL,
          kafka_offset    bigint NOT NULL,
          handled_at      timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (group_id, message_id)
        )`);
      // Rows older than the topics' retention can never be redelivered: this lets a cleanup find them.
      await db.query(`CREATE INDEX IF NOT EXISTS inbox_handled_at_idx ON inbox (handled_at)`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP TABLE IF EXISTS inbox`);
    }
  };
}
