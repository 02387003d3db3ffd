import { sqlMigration } from '@petalpost/platform';

/**
 * What a message of the service itself says (`MessagePosted.system`), kept beside its text so apps
 * word it for their reader. Messages posted before the events carried it keep null: their text is
 * all there is, so nothing is filled from the log.
 */
export const ConversationMessageSystem1768000000200 = sqlMigration('ConversationMessageSystem1768000000200', {
  up: [`ALTER TABLE conversation_messages ADD COLUMN system jsonb`],
  down: [`ALTER TABLE conversation_messages DROP COLUMN system`],
});
