import { sqlMigration } from '@petalpost/platform';

const FORMER_RELAYS = `('messaging.conversations.relay', 'messaging.exceptions.relay')`;

/**
 * The log had two relays (conversations, exception reports); one relay now publishes all of it.
 * It starts where the one further behind had got to: what the other had already published goes
 * out again, and consumers drop it by event id. Without both checkpoints it starts at the log's start.
 */
export const MessagingRelayCheckpoint1767000000000 = sqlMigration('MessagingRelayCheckpoint1767000000000', {
  up: [
    `INSERT INTO checkpoints (processor_id, last_tx, last_pos)
    SELECT 'messaging.relay', last_tx, last_pos FROM checkpoints
    WHERE processor_id IN ${FORMER_RELAYS} AND (SELECT count(*) FROM checkpoints WHERE processor_id IN ${FORMER_RELAYS}) = 2
    ORDER BY last_tx, last_pos
    LIMIT 1
    ON CONFLICT DO NOTHING`,
    `DELETE FROM checkpoints WHERE processor_id IN ${FORMER_RELAYS}`,
  ],
  down: [
    `INSERT INTO checkpoints (processor_id, last_tx, last_pos)
    SELECT former.id, last_tx, last_pos FROM checkpoints, (VALUES ('messaging.conversations.relay'), ('messaging.exceptions.relay')) AS former(id)
    WHERE processor_id = 'messaging.relay'`,
    `DELETE FROM checkpoints WHERE processor_id = 'messaging.relay'`,
  ],
});
