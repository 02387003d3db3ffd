import { CONSUMER_GROUPS, decodeOrderCommand, DomainError, type OrderCommandMessage, PoisonMessageError } from '@petalpost/contracts';
import { requestFingerprint } from '@petalpost/event-store';
import { kafkaConsumer } from '@petalpost/kafka';
import { currentContext, isTraceparent } from '@petalpost/platform';
import type { OrderCommand } from '../domain/order.commands';
import { OrderCommands } from '../order-commands.service';
import { orderNotFound } from '../api/order-access';

/**
 * `orders.commands` in: dispatch assigns riders, messaging flags and clears exceptions, through
 * the same decider as the API. A command that is malformed, names the wrong shop or breaks a
 * rule can never succeed: it is dead-lettered with its error and the partition moves on.
 */
export const orderCommandsConsumer = kafkaConsumer(
  'OrderCommandsConsumer',
  (commands: OrderCommands) => ({
    subscription: CONSUMER_GROUPS.ordersCommands,
    handle: async (message) => {
      const received = decodeOrderCommand(message.value);
      try {
        await commands.execute(received.orderId, toOrderCommand(received), {
          actor: received.metadata.actor,
          causationId: received.commandId,
          correlationId: received.metadata.correlationId,
          traceparent: traceOf(received),
          // A command sent twice (a producer's retry, a re-run) is applied once.
          idempotency: { key: `command:${received.commandId}`, fingerprint: requestFingerprint(received.type, received.orderId, received.data) },
          authorize: (state) => {
            if (state.status === 'none' || state.shopId !== received.shopId) throw orderNotFound();
          },
        });
      } catch (err) {
        if (err instanceof DomainError) throw new PoisonMessageError(`${err.code}: ${err.message}`, { code: err.code, status: err.details?.status });
        throw err;
      }
    },
  }),
  [OrderCommands],
);

/**
 * The command's trace: its `traceparent` header (the message processor's context), else the one
 * in its metadata (a sender that puts it only there). The events it appends carry that same
 * traceparent, so their parent span is the command's.
 */
function traceOf(received: OrderCommandMessage): string | undefined {
  return [currentContext()?.traceparent, received.metadata.traceparent].find(isTraceparent);
}

function toOrderCommand(received: OrderCommandMessage): OrderCommand {
  const now = new Date().toISOString();
  switch (received.type) {
    case 'AssignRider': {
      const { riderId } = (received as OrderCommandMessage<'AssignRider'>).data;
      return { type: 'AssignRider', riderId, now };
    }
    case 'UnassignRider': {
      const { riderId, reason } = (received as OrderCommandMessage<'UnassignRider'>).data;
      return { type: 'UnassignRider', riderId, reason, now };
    }
    case 'FlagOrderException': {
      const { exceptionId, kind, note } = (received as OrderCommandMessage<'FlagOrderException'>).data;
      return { type: 'FlagException', exceptionId, kind, note, now };
    }
    case 'ClearOrderException': {
      const { exceptionId, resolution } = (received as OrderCommandMessage<'ClearOrderException'>).data;
      return { type: 'ClearException', exceptionId, resolution, now };
    }
  }
}
