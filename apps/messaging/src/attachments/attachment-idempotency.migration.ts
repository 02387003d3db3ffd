import { sqlMigration } from '@petalpost/platform';

/**
 * An upload may carry an Idempotency-Key (the rider's app replays uploads queued offline, some
 * whose answer was lost): the row keeps the caller's key and what the request was, so a retry
 * answers the first attachment instead of making a second.
 */
export const AttachmentIdempotency1768000000400 = sqlMigration('AttachmentIdempotency1768000000400', {
  up: [
    `ALTER TABLE attachments ADD COLUMN idempotency_key text, ADD COLUMN request_fingerprint text`,
    `CREATE UNIQUE INDEX attachments_idempotency_key ON attachments (idempotency_key) WHERE idempotency_key IS NOT NULL`,
  ],
  down: [`DROP INDEX attachments_idempotency_key`, `ALTER TABLE attachments DROP COLUMN idempotency_key, DROP COLUMN request_fingerprint`],
});
