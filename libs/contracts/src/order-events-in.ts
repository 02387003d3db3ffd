import { createEventDecoder, type IntegrationEvent } from './integration-event';
import type { OrderLifecycleEvent } from './order-lifecycle';
import { ORDER_EVENT_CONTRACTS } from './orders';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/**
 * A handler of `orders.events` messages, given the typed order event and the envelope it came in
 * (ids, actor, correlation). The message is decoded against the order contracts first: a type we
 * do not know is skipped, not an error (producers may be newer than us); anything malformed
 * throws a PoisonMessageError, as the decoder does.
 */
export function onOrderEvent<Rest extends unknown[]>(
  handle: (event: OrderLifecycleEvent, envelope: IntegrationEvent, ...rest: Rest) => Promise<void>,
): (message: { value: Buffer | string | null }, ...rest: Rest) => Promise<void> {
  return async (message, ...rest) => {
    const decoded = decode(message.value);
    if (!decoded.known) return;
    // The decoder validated the data against its type's contract: it is that type's data.
    const event = { type: decoded.type, data: decoded.data, streamVersion: decoded.event.streamVersion } as OrderLifecycleEvent;
    await handle(event, decoded.event, ...rest);
  };
}
