import type { TFunction } from 'i18next';

/**
 * Why dispatch made its latest plan, from the plan's `trigger`: `dispatcher:<person>` for a plan
 * asked for at the desk, else `<event type>:<order or rider id>` for the change that made the last
 * plan stale (apps/dispatch/src/planning/replanner.ts). A trigger not known here says nothing.
 */
export type PlanReason =
  { kind: 'asked' } | { kind: 'order'; change: OrderChange } | { kind: 'riderAvailability'; riderId: string } | { kind: 'vehicleBreakdown'; riderId: string };

const ORDER_CHANGES = ['ArrangementFinished', 'DeliveryAddressCorrected', 'DeliveryWindowChanged', 'OrderCancelled', 'DeliveryRescheduled'] as const;
type OrderChange = (typeof ORDER_CHANGES)[number];
const isOrderChange = (type: string): type is OrderChange => (ORDER_CHANGES as readonly string[]).includes(type);

export function planReason(trigger: string | null | undefined): PlanReason | undefined {
  if (!trigger) return undefined;
  const colon = trigger.indexOf(':');
  const type = colon < 0 ? trigger : trigger.slice(0, colon);
  const subject = colon < 0 ? '' : trigger.slice(colon + 1);
  if (type === 'dispatcher') return { kind: 'asked' };
  if (isOrderChange(type)) return { kind: 'order', change: type };
  if (!subject) return undefined;
  if (type === 'RiderAvailabilityChanged') return { kind: 'riderAvailability', riderId: subject };
  if (type === 'vehicle_breakdown') return { kind: 'vehicleBreakdown', riderId: subject };
  return undefined;
}

/** The reason in the reader's words, naming the rider when their name is known (never by id). */
export function planReasonText(reason: PlanReason, riderName: (riderId: string) => string | undefined, t: TFunction): string {
  switch (reason.kind) {
    case 'asked':
      return t('dispatch.trigger.asked');
    case 'order':
      return orderChangeText(reason.change, t);
    case 'riderAvailability': {
      const rider = riderName(reason.riderId);
      return rider ? t('dispatch.trigger.riderAvailability', { rider }) : t('dispatch.trigger.someRiderAvailability');
    }
    case 'vehicleBreakdown': {
      const rider = riderName(reason.riderId);
      return rider ? t('dispatch.trigger.vehicleBreakdown', { rider }) : t('dispatch.trigger.someVehicleBreakdown');
    }
  }
}

function orderChangeText(change: OrderChange, t: TFunction): string {
  switch (change) {
    case 'ArrangementFinished':
      return t('dispatch.trigger.arrangementFinished');
    case 'DeliveryAddressCorrected':
      return t('dispatch.trigger.addressCorrected');
    case 'DeliveryWindowChanged':
      return t('dispatch.trigger.windowChanged');
    case 'OrderCancelled':
      return t('dispatch.trigger.orderCancelled');
    case 'DeliveryRescheduled':
      return t('dispatch.trigger.rescheduled');
  }
}
