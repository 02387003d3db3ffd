import type { Projection, StoredEvent } from '@petalpost/event-store';
import { type DeliveryDecisionEvent, deliveryStream } from '../domain/delivery.decider';

export const DELIVERY_ARRIVALS = 'delivery_arrivals';

/**
 * Dispatch's predictions about each delivery, from its own log: the latest ETA and whose ride it
 * was estimated for, and the window ends it was flagged at risk and late for (with when). Which
 * of them still holds is decided when the board is read, against the order's window and rider
 * then (deliveries/domain/delivery-risk.ts): those come from the orders service's events, which
 * reach the board by another road. Each statement applies an event only past the row's version,
 * so a replayed batch changes nothing.
 */
export const deliveryArrivalsProjection: Projection = {
  name: 'delivery-arrivals',
  version: 1,
  tables: [DELIVERY_ARRIVALS],
  async handle(events: StoredEvent[], db, tables) {
    const arrivals = tables[DELIVERY_ARRIVALS];
    for (const stored of events) {
      if (!stored.streamId.startsWith(deliveryStream(''))) continue;
      const event = stored as unknown as DeliveryDecisionEvent;
      const version = stored.streamVersion;
      switch (event.type) {
        case 'EtaUpdated': {
          const { orderId, shopId, eta, riderId } = event.data;
          await db.query(
            `INSERT INTO ${arrivals} AS a (order_id, shop_id, version, eta, eta_rider_id) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (order_id) DO UPDATE SET version = EXCLUDED.version, eta = EXCLUDED.eta, eta_rider_id = EXCLUDED.eta_rider_id
             WHERE a.version < EXCLUDED.version`,
            [orderId, shopId, version, eta, riderId ?? null],
          );
          break;
        }
        case 'DeliveryAtRisk': {
          const { orderId, shopId, windowTo, flaggedAt } = event.data;
          // A missed deadline is flagged again for a window already at risk: that window has been at risk since the first flag.
          await db.query(
            `INSERT INTO ${arrivals} AS a (order_id, shop_id, version, at_risk_for, at_risk_since) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (order_id) DO UPDATE SET version = EXCLUDED.version, at_risk_for = EXCLUDED.at_risk_for,
               at_risk_since = CASE WHEN a.at_risk_for = EXCLUDED.at_risk_for THEN a.at_risk_since ELSE EXCLUDED.at_risk_since END
             WHERE a.version < EXCLUDED.version`,
            [orderId, shopId, version, windowTo, flaggedAt],
          );
          break;
        }
        case 'DeliveryLate': {
          const { orderId, shopId, windowTo, flaggedAt } = event.data;
          await db.query(
            `INSERT INTO ${arrivals} AS a (order_id, shop_id, version, late_for, late_since) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (order_id) DO UPDATE SET version = EXCLUDED.version, late_for = EXCLUDED.late_for, late_since = EXCLUDED.late_since
             WHERE a.version < EXCLUDED.version`,
            [orderId, shopId, version, windowTo, flaggedAt],
          );
          break;
        }
        default:
          // Assignment requests are the orders service's to carry out: the board shows their outcome.
          break;
      }
    }
  },
};
