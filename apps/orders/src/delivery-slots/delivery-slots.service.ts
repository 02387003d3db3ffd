import { Injectable } from '@nestjs/common';
import { EventStore, foldEvents } from '@petalpost/event-store';
import { capacityOn, type SlotPlan, type SlotPlanEvent, slotDecider, slotOf, slotPlanDecider, slotPlanStream, slotStream } from './domain/delivery-slot';

/** Wall-clock time of an instant in a zone, as YYYY-MM-DDTHH:MM. */
export function localTime(instant: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export interface SlotAvailability {
  slot: string;
  capacity: number;
  reserved: number;
  available: number;
}

/** A shop's delivery slots: its plan, which slot a window takes a place in, and what is left. */
@Injectable()
export class DeliverySlots {
  constructor(private readonly store: EventStore) {}

  async plan(shopId: string): Promise<SlotPlan | undefined> {
    return foldEvents(slotPlanDecider, await this.store.readStream(slotPlanStream(shopId)));
  }

  /** The plan as the shop last set it, and when; none when it never did. */
  async currentPlan(shopId: string): Promise<(SlotPlan & { plannedAt: string }) | undefined> {
    const events = await this.store.readStream(slotPlanStream(shopId));
    const plan = foldEvents(slotPlanDecider, events);
    const last = events.at(-1) as SlotPlanEvent | undefined;
    return plan && last && { ...plan, plannedAt: last.data.plannedAt };
  }

  /** The slot a window starts in, in the shop's own time zone; none when the shop plans no slots. */
  slotFor(plan: SlotPlan | undefined, window: { from: string }): string | undefined {
    return plan && slotOf(plan, localTime(window.from, plan.timeZone)).slot;
  }

  /** Every slot of a local date with its places taken and left. */
  async availability(shopId: string, plan: SlotPlan, date: string): Promise<SlotAvailability[]> {
    const capacity = capacityOn(plan, date);
    const slots = Array.from({ length: (24 * 60) / plan.slotMinutes }, (_, i) => {
      const start = i * plan.slotMinutes;
      return `${date}T${String(Math.floor(start / 60)).padStart(2, '0')}:${String(start % 60).padStart(2, '0')}`;
    });
    return Promise.all(
      slots.map(async (slot) => {
        const reserved = foldEvents(slotDecider, await this.store.readStream(slotStream(shopId, slot))).orders.length;
        return { slot, capacity, reserved, available: Math.max(0, capacity - reserved) };
      }),
    );
  }
}
