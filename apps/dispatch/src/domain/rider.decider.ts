import {
  DomainError,
  type RiderAvailability,
  type RiderAvailabilityChangedV1,
  type RiderProfileUpdatedV1,
  type RiderRegisteredV1,
  type RiderVehicle,
} from '@petalpost/contracts';
import type { z } from 'zod';

/**
 * A rider as dispatch knows them, one stream per rider (`rider-<riderId>`): who they are, which
 * shops they ride for (the first owns the profile), their vehicle, and whether they are on shift.
 */

export const riderStream = (riderId: string) => `rider-${riderId}`;

export type RiderEvent =
  | { type: 'RiderRegistered'; data: z.infer<typeof RiderRegisteredV1.schema> }
  | { type: 'RiderProfileUpdated'; data: z.infer<typeof RiderProfileUpdatedV1.schema> }
  | { type: 'RiderAvailabilityChanged'; data: z.infer<typeof RiderAvailabilityChangedV1.schema> };

export type RiderCommand =
  | { type: 'RegisterRider'; riderId: string; shopId: string; shopIds?: string[]; name: string; phone?: string; vehicle: RiderVehicle; now: string }
  | { type: 'UpdateRiderProfile'; riderId: string; shopIds?: string[]; name?: string; phone?: string; vehicle?: RiderVehicle; now: string }
  | { type: 'ChangeAvailability'; riderId: string; availability: RiderAvailability; now: string };

export interface Rider {
  status: 'registered';
  riderId: string;
  shopId: string;
  shopIds: string[];
  name: string;
  phone?: string;
  vehicle: RiderVehicle;
  availability: RiderAvailability;
  availabilitySince: string;
  registeredAt: string;
}

export type RiderState = { status: 'none' } | Rider;

export const riderDecider = {
  streamType: 'rider',
  initialState: (): RiderState => ({ status: 'none' }),

  evolve(state: RiderState, event: RiderEvent): RiderState {
    switch (event.type) {
      case 'RiderRegistered': {
        const { riderId, shopId, shopIds, name, phone, vehicle, registeredAt } = event.data;
        // A new rider is off until they start a shift.
        return { status: 'registered', riderId, shopId, shopIds, name, ...(phone ? { phone } : {}), vehicle, availability: 'off', availabilitySince: registeredAt, registeredAt };
      }
      case 'RiderProfileUpdated': {
        if (state.status === 'none') return state;
        const { shopIds, name, phone, vehicle } = event.data;
        return { ...state, ...(shopIds ? { shopIds } : {}), ...(name ? { name } : {}), ...(phone ? { phone } : {}), ...(vehicle ? { vehicle } : {}) };
      }
      case 'RiderAvailabilityChanged':
        if (state.status === 'none') return state;
        return { ...state, availability: event.data.availability, availabilitySince: event.data.changedAt };
      default:
        return exhaustive(event);
    }
  },

  decide(command: RiderCommand, state: RiderState): RiderEvent[] {
    switch (command.type) {
      case 'RegisterRider': {
        if (state.status !== 'none') throw new DomainError('conflict', 'RIDER_ALREADY_REGISTERED', `rider ${command.riderId} is already registered`, { state });
        const { riderId, shopId, name, phone, vehicle, now } = command;
        return [
          {
            type: 'RiderRegistered',
            data: { riderId, shopId, shopIds: shopsOwnedBy(shopId, command.shopIds ?? []), name, ...(phone !== undefined ? { phone } : {}), vehicle, registeredAt: now },
          },
        ];
      }
      case 'UpdateRiderProfile': {
        const rider = registered(state, command.riderId);
        const changes: Partial<Pick<Rider, 'shopIds' | 'name' | 'phone' | 'vehicle'>> = {};
        if (command.shopIds !== undefined) {
          if (!command.shopIds.includes(rider.shopId)) {
            throw new DomainError('invalid', 'OWNER_SHOP_REQUIRED', `the rider's profile belongs to ${rider.shopId}: it stays among their shops`);
          }
          const shopIds = shopsOwnedBy(rider.shopId, command.shopIds);
          if (!sameList(shopIds, rider.shopIds)) changes.shopIds = shopIds;
        }
        if (command.name !== undefined && command.name !== rider.name) changes.name = command.name;
        if (command.phone !== undefined && command.phone !== rider.phone) changes.phone = command.phone;
        if (command.vehicle !== undefined && (command.vehicle.kind !== rider.vehicle.kind || command.vehicle.capacity !== rider.vehicle.capacity)) {
          changes.vehicle = command.vehicle;
        }
        if (Object.keys(changes).length === 0) return [];
        return [{ type: 'RiderProfileUpdated', data: { riderId: rider.riderId, shopId: rider.shopId, ...changes, updatedAt: command.now } }];
      }
      case 'ChangeAvailability': {
        const rider = registered(state, command.riderId);
        if (command.availability === rider.availability) return [];
        // A break is a pause in a shift: a rider who is off starts a shift first.
        if (command.availability === 'on_break' && rider.availability === 'off') {
          throw new DomainError('conflict', 'RIDER_NOT_ON_SHIFT', 'a rider who is off cannot go on a break', { state: rider });
        }
        return [
          {
            type: 'RiderAvailabilityChanged',
            data: { riderId: rider.riderId, shopId: rider.shopId, availability: command.availability, previous: rider.availability, changedAt: command.now },
          },
        ];
      }
      default:
        return exhaustive(command);
    }
  },
};

export function riderNotFound(): DomainError {
  return new DomainError('not_found', 'RIDER_NOT_FOUND', 'no such rider');
}

function registered(state: RiderState, riderId: string): Rider {
  if (state.status === 'none' || state.riderId !== riderId) throw riderNotFound();
  return state;
}

/** The owner first, then the others in the order given, each once. */
function shopsOwnedBy(owner: string, shopIds: string[]): string[] {
  return [owner, ...new Set(shopIds.filter((s) => s !== owner))];
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function exhaustive(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
