import { CONSUMER_GROUPS, decodeMessagingCommand, DomainError, PoisonMessageError } from '@petalpost/contracts';
import { EventStore, requestFingerprint, runCommand } from '@petalpost/event-store';
import { kafkaConsumer } from '@petalpost/kafka';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { conversationDecider } from '../domain/conversation.decider';
import { conversationStream } from '../domain/conversation.events';
import { conversationRules, type ConversationsConfig } from '../conversations.config';

/**
 * Commands from other services on `messaging.commands`. PostCustomerMessage: what a customer
 * wrote on the tracking page, posted in the order's customer channel as that customer, under the
 * same rules as a post over HTTP. The command id is the message id (and the idempotency key), so
 * a command sent twice posts once.
 */
export const messagingCommandsConsumer = kafkaConsumer(
  'MessagingCommandsConsumer',
  (store: EventStore, config: ConversationsConfig, logger: Logger) => ({
    subscription: CONSUMER_GROUPS.messagingCommands,
    handle: async (message) => {
      const command = decodeMessagingCommand(message.value);
      const { actor } = command.metadata;
      if (actor.role !== 'customer') throw new PoisonMessageError(`${command.type} must come from the order's customer, not ${actor.role}`);
      try {
        await runCommand(
          store,
          conversationDecider,
          conversationStream(command.orderId),
          {
            type: 'PostMessage',
            channel: 'customer',
            messageId: command.commandId,
            author: { role: 'customer', sub: actor.subject, orderId: command.orderId },
            text: command.data.text,
            attachmentRefs: [],
            rules: conversationRules(config),
            now: command.metadata.issuedAt,
          },
          {
            actor,
            idempotency: { key: `messaging.commands:${command.commandId}`, fingerprint: requestFingerprint(command.commandId) },
            authorize: (state) => {
              if (state.status === 'open' && state.shopId !== command.shopId)
                throw new PoisonMessageError(`order ${command.orderId} is not of shop ${command.shopId}`);
            },
            causationId: command.commandId,
            correlationId: command.metadata.correlationId,
          },
        );
      } catch (err) {
        // Not found: messaging may not have opened the conversation yet; retried, then dead-lettered.
        if (!(err instanceof DomainError) || err.kind === 'not_found') throw err;
        if (err.kind === 'too_many') {
          logger.warn({ orderId: command.orderId, commandId: command.commandId, code: err.code }, 'customer message over the posting limit: not posted');
          return;
        }
        throw new PoisonMessageError(`${command.type} refused: ${err.code}`, err.details);
      }
    },
  }),
  [EventStore, SERVICE_CONFIG, LOGGER],
);
