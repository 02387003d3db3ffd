import { sqlMigration } from '@petalpost/platform';

/** The finished arrangement's photo becomes a purpose of its own, so it can be shown to the buyer and nothing else is. */
export const AttachmentArrangementPurpose1768000000100 = sqlMigration('AttachmentArrangementPurpose1768000000100', {
  up: [
    `ALTER TABLE attachments DROP CONSTRAINT attachments_purpose_check`,
    `ALTER TABLE attachments ADD CONSTRAINT attachments_purpose_check CHECK (purpose IN ('message', 'proof_of_delivery', 'damage', 'arrangement'))`,
  ],
  down: [
    `ALTER TABLE attachments DROP CONSTRAINT attachments_purpose_check`,
    `ALTER TABLE attachments ADD CONSTRAINT attachments_purpose_check CHECK (purpose IN ('message', 'proof_of_delivery', 'damage'))`,
  ],
});
