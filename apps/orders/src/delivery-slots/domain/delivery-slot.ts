import { DomainError, exhaustive } from '@petalpost/contracts';
import type { OrderEvent } from '../../orders/domain/order.events';
import type { OrderState } from '../../orders/domain/order.state';

/**
 * A delivery slot of a shop (e.g. 14 February, 12:00–14:00) and the orders holding a place in
 * it. Placing an order reserves its place in the same transaction as the order's first event,
 * so two checkouts racing for the last place can never both get it.
 */
export type SlotCommand =
  { type: 'ReservePlace'; slot: string; orderId: string; capacity: number; now: string } | { type: 'ReleasePlace'; orderId: string; now: string };

export type SlotEvent =
  | { type: 'SlotPlaceReserved'; data: { slot: string; orderId: string; reservedAt: string } }
  | { type: 'SlotPlaceReleased'; data: { slot: string; orderId: string; releasedAt: string } };

export type SlotState = { slot?: string; orders: string[] };

export function decideSlot(command: SlotCommand, state: SlotState): SlotEvent[] {
  switch (command.type) {
    case 'ReservePlace':
      if (state.orders.includes(command.orderId)) return [];
      if (state.orders.length >= command.capacity) {
        throw new DomainError('conflict', 'SLOT_FULL', `the delivery slot ${command.slot} is full (${command.capacity} deliveries)`, {
          slot: command.slot,
          capacity: command.capacity,
          reserved: state.orders.length,
        });
      }
      return [{ type: 'SlotPlaceReserved', data: { slot: command.slot, orderId: command.orderId, reservedAt: command.now } }];
    case 'ReleasePlace':
      if (!state.orders.includes(command.orderId)) return [];
      return [{ type: 'SlotPlaceReleased', data: { slot: state.slot ?? '', orderId: command.orderId, releasedAt: command.now } }];
    default:
      return exhaustive(command);
  }
}

export function evolveSlot(state: SlotState, event: SlotEvent): SlotState {
  switch (event.type) {
    case 'SlotPlaceReserved':
      return { slot: event.data.slot, orders: [...state.orders, event.data.orderId] };
    case 'SlotPlaceReleased':
      return { ...state, orders: state.orders.filter((id) => id !== event.data.orderId) };
    default:
      return exhaustive(event);
  }
}

export const slotDecider = { streamType: 'delivery-slot', initialState: (): SlotState => ({ orders: [] }), evolve: evolveSlot, decide: decideSlot };

/** One stream per shop and slot start (local time), e.g. `slot-s1-2026-02-14T12:00`. */
export function slotStream(shopId: string, slot: string): string {
  return `slot-${shopId}-${slot}`;
}

/** A shop's delivery slots: how long each is (in its own time zone) and how many deliveries it takes. */
export type SlotPlan = { timeZone: string; slotMinutes: number; capacity: number; overrides: Array<{ date: string; capacity: number }> };

/** Places in the slots of a date: a busy day (Valentine's) may have more or fewer hands. */
export function capacityOn(plan: SlotPlan, date: string): number {
  return plan.overrides.find((o) => o.date === date)?.capacity ?? plan.capacity;
}

/**
 * Which slot a window falls in: its start in the shop's local time, rounded down to the slot
 * length. `localStart` is the window start as wall-clock time in the plan's zone (YYYY-MM-DDTHH:MM).
 */
export function slotOf(plan: SlotPlan, localStart: string): { slot: string; date: string } {
  const [date, clock] = localStart.split('T');
  const [hours, minutes] = clock.split(':').map(Number);
  const start = Math.floor((hours * 60 + minutes) / plan.slotMinutes) * plan.slotMinutes;
  const hh = String(Math.floor(start / 60)).padStart(2, '0');
  const mm = String(start % 60).padStart(2, '0');
  return { slot: `${date}T${hh}:${mm}`, date };
}

/** What placing, moving or closing an order does to the slots: the places to take and give back. */
export function slotChangesFor(
  events: readonly OrderEvent[],
  before: OrderState,
  plan: SlotPlan | undefined,
  now: string,
): Array<{ streamId: string; command: SlotCommand }> {
  const changes: Array<{ streamId: string; command: SlotCommand }> = [];
  let held = before.status === 'none' ? undefined : before.deliverySlot;
  const shopId = events[0]?.data.shopId;
  const release = (orderId: string) => {
    if (held !== undefined) changes.push({ streamId: slotStream(shopId, held), command: { type: 'ReleasePlace', orderId, now } });
    held = undefined;
  };
  const reserve = (orderId: string, slot: string | undefined) => {
    if (slot === undefined || plan === undefined) return;
    const capacity = capacityOn(plan, slot.slice(0, 10));
    changes.push({ streamId: slotStream(shopId, slot), command: { type: 'ReservePlace', slot, orderId, capacity, now } });
    held = slot;
  };
  for (const event of events) {
    const { orderId } = event.data;
    switch (event.type) {
      case 'OrderPlaced':
        reserve(orderId, event.data.deliverySlot);
        break;
      case 'DeliveryWindowChanged':
      case 'DeliveryRescheduled':
        if (event.data.deliverySlot === held) break;
        release(orderId);
        reserve(orderId, event.data.deliverySlot);
        break;
      case 'OrderCancelled':
      case 'OrderRejected':
      case 'OrderReturned':
        release(orderId);
        break;
    }
  }
  return changes;
}

/** A shop's slot plan is its own small stream: `slot-plan-<shopId>`. */
export function slotPlanStream(shopId: string): string {
  return `slot-plan-${shopId}`;
}

export type SlotPlanEvent = { type: 'DeliverySlotsPlanned'; data: SlotPlan & { shopId: string; plannedAt: string } };

export const slotPlanDecider = {
  streamType: 'slot-plan',
  initialState: (): SlotPlan | undefined => undefined,
  evolve: (_state: SlotPlan | undefined, event: SlotPlanEvent): SlotPlan => {
    const { shopId: _shop, plannedAt: _at, ...plan } = event.data;
    return plan;
  },
  decide: (command: { type: 'PlanDeliverySlots'; shopId: string; plan: SlotPlan; now: string }): SlotPlanEvent[] => {
    const minutes = command.plan.slotMinutes;
    if (!Number.isInteger(minutes) || minutes <= 0 || (24 * 60) % minutes !== 0) {
      throw new DomainError('invalid', 'SLOT_LENGTH_UNEVEN', 'slots must divide the day evenly (e.g. 60, 120, 240 minutes)');
    }
    return [{ type: 'DeliverySlotsPlanned', data: { shopId: command.shopId, ...command.plan, plannedAt: command.now } }];
  },
};
