import { sqlMigration } from '@petalpost/platform';

/**
 * One key per person for the personal data in the orders log (crypto-shredding). Erasing a person
 * deletes the key and leaves a tombstone, so the person's key can never be created again and
 * every copy of their data, in the log and in its backups, stays unreadable.
 */
export const PersonalDataKeys1764000000300 = sqlMigration('PersonalDataKeys1764000000300', {
  up: [
    `CREATE TABLE person_keys (
      person_id   text PRIMARY KEY,
      shop_id     text NOT NULL,
      wrapped_key bytea NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      erased_at   timestamptz NULL,
      CONSTRAINT person_keys_key_xor_tombstone CHECK ((wrapped_key IS NULL) <> (erased_at IS NULL))
    )`,
  ],
  down: [`DROP TABLE person_keys`],
});
