import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dead letters an operator replayed, in the service's schema: one row per dead letter, so
 * replaying one again publishes nothing. serviceFoundation adds it to every service's migrations.
 */
export class KafkaDeadLetterReplays1782000000000 implements MigrationInterface {
  name = 'KafkaDeadLetterReplays1782000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS dead_letter_replays (
        topic             text NOT NULL,
        kafka_partition   integer NOT NULL,
        kafka_offset      bigint NOT NULL,
        original_topic    text NOT NULL,
        replayed_by       text NOT NULL,
        replayed_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, kafka_partition, kafka_offset)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS dead_letter_replays`);
  }
}
