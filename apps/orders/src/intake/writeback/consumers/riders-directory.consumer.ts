import { CONSUMER_GROUPS, createEventDecoder, RiderProfileUpdatedV1, RiderRegisteredV1 } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import type { z } from 'zod';
import { IntakeRidersStore } from '../intake-riders.store';

// Only the riders' own events are read: a plan or an ETA this consumer does not need is skipped
// unread, never parked for a schema it has no use for.
const decode = createEventDecoder([RiderRegisteredV1, RiderProfileUpdatedV1]);

/**
 * dispatch.events in: the riders' names and phones, which a Chinese platform shows the buyer once
 * the shop's own rider has the order (商家自配送). Keyed by rider id, so one rider's events come in
 * order; an update older than the row (a redelivery past the inbox) changes nothing.
 */
export const ridersDirectoryConsumer = kafkaConsumer(
  'IntakeRidersDirectoryConsumer',
  (riders: IntakeRidersStore) => ({
    subscription: CONSUMER_GROUPS.ordersRiders,
    sharesTransactions: true,
    handle: async (message, manager) => {
      // A malformed message throws PoisonMessageError: the host parks it on the group's dead-letter topic.
      const decoded = decode(message.value);
      if (!decoded.known) return;
      if (decoded.type === RiderRegisteredV1.type) {
        const { riderId, name, phone, registeredAt } = decoded.data as z.infer<typeof RiderRegisteredV1.schema>;
        await riders.upsert(manager, { riderId, name, phone, at: registeredAt });
        return;
      }
      const { riderId, name, phone, updatedAt } = decoded.data as z.infer<typeof RiderProfileUpdatedV1.schema>;
      if (name !== undefined) await riders.upsert(manager, { riderId, name, phone, at: updatedAt });
      else if (phone !== undefined) await riders.updatePhone(manager, { riderId, phone, at: updatedAt });
    },
  }),
  [IntakeRidersStore],
);
