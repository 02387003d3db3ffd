import {
  DomainError,
  exhaustive,
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
 *
 * Riding for a shop takes that shop's consent: the owner may offer the rider to other shops, and
 * each rides with them (sees them, plans with them) only once its own desk approves.
 */

export const riderStream = (riderId: string) => `rider-${riderId}`;

export type RiderEvent =
  | { type: 'RiderRegistered'; data: z.infer<typeof RiderRegisteredV1.schema> }
  | { type: 'RiderProfileUpdated'; data: z.infer<typeof RiderProfileUpdatedV1.schema> }
  | { type: 'RiderAvailabilityChanged'; data: z.infer<typeof RiderAvailabilityChangedV1.schema> };

export type RiderCommand =
  | { type: 'RegisterRider'; riderId: string; shopId: string; shopIds?: string[]; name: string; phone?: string; vehicle: RiderVehicle; now: string }
  | { type: 'UpdateRiderProfile'; riderId: string; shopIds?: string[]; name?: string; phone?: string; vehicle?: RiderVehicle; now: string }
  | { type: 'ChangeAvailability'; riderId: string; availability: RiderAvailability; now: string }
  | { type: 'ApproveRiderForShop'; riderId: string; shopId: string; now: string };

export interface Rider {
  status: 'registered';
  riderId: string;
  shopId: string;
  /** The shops the rider rides for, each with its consent; the owner first. */
  shopIds: string[];
  /** The shops the owner offered the rider to that have not approved yet. */
  pendingShopIds: string[];
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
        const { riderId, shopId, name, phone, vehicle, registeredAt } = event.data;
        // A new rider is off until they start a shift.
        return {
          status: 'registered',
          riderId,
          shopId,
          ...membershipAtRegistration(event.data),
          name,
          ...(phone ? { phone } : {}),
          vehicle,
          availability: 'off',
          availabilitySince: registeredAt,
          registeredAt,
        };
      }
      case 'RiderProfileUpdated': {
        if (state.status === 'none') return state;
        const { name, phone, vehicle } = event.data;
        return {
          ...state,
          ...membershipAfterUpdate(state, event.data),
          ...(name ? { name } : {}),
          ...(phone ? { phone } : {}),
          ...(vehicle ? { vehicle } : {}),
        };
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
        const offered = shopsOwnedBy(shopId, command.shopIds ?? []).slice(1);
        return [
          {
            type: 'RiderRegistered',
            data: {
              riderId,
              shopId,
              shopIds: [shopId],
              ...(offered.length > 0 ? { pendingShopIds: offered } : {}),
              name,
              ...(phone !== undefined ? { phone } : {}),
              vehicle,
              registeredAt: now,
            },
          },
        ];
      }
      case 'UpdateRiderProfile': {
        const rider = registered(state, command.riderId);
        const changes: Partial<Pick<Rider, 'shopIds' | 'pendingShopIds' | 'name' | 'phone' | 'vehicle'>> = {};
        if (command.shopIds !== undefined) {
          if (!command.shopIds.includes(rider.shopId)) {
            throw new DomainError('invalid', 'OWNER_SHOP_REQUIRED', `the rider's profile belongs to ${rider.shopId}: it stays among their shops`);
          }
          // The owner may drop a shop or offer the rider to one; joining takes that shop's approval.
          const wanted = shopsOwnedBy(rider.shopId, command.shopIds);
          const shopIds = rider.shopIds.filter((s) => wanted.includes(s));
          const pendingShopIds = wanted.filter((s) => !rider.shopIds.includes(s));
          if (!sameList(shopIds, rider.shopIds) || !sameList(pendingShopIds, rider.pendingShopIds)) Object.assign(changes, { shopIds, pendingShopIds });
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
      case 'ApproveRiderForShop': {
        const rider = registered(state, command.riderId);
        if (rider.shopIds.includes(command.shopId)) return [];
        // A shop the rider was not offered to learns nothing of them.
        if (!rider.pendingShopIds.includes(command.shopId)) throw riderNotFound();
        return [
          {
            type: 'RiderProfileUpdated',
            data: {
              riderId: rider.riderId,
              shopId: rider.shopId,
              shopIds: [...rider.shopIds, command.shopId],
              pendingShopIds: rider.pendingShopIds.filter((s) => s !== command.shopId),
              updatedAt: command.now,
            },
          },
        ];
      }
      default:
        return exhaustive(command);
    }
  },
};

type Membership = Pick<Rider, 'shopIds' | 'pendingShopIds'>;

/**
 * A registration rides for its owner only. One written before approvals existed may name other
 * shops: nobody at those shops consented, so they are read as offers awaiting approval.
 */
export function membershipAtRegistration(data: { shopId: string; shopIds: string[]; pendingShopIds?: string[] }): Membership {
  const offered = [...(data.pendingShopIds ?? []), ...data.shopIds];
  return { shopIds: [data.shopId], pendingShopIds: shopsOwnedBy(data.shopId, offered).slice(1) };
}

/**
 * The shops after a profile update: as it says when it names the pending ones too; an update from
 * before approvals (shops only) keeps the shops already approved and offers the rider to the rest.
 */
export function membershipAfterUpdate(previous: Membership, data: { shopIds?: string[]; pendingShopIds?: string[] }): Membership | Record<string, never> {
  if (!data.shopIds) return {};
  if (data.pendingShopIds) return { shopIds: data.shopIds, pendingShopIds: data.pendingShopIds };
  return { shopIds: data.shopIds.filter((s) => previous.shopIds.includes(s)), pendingShopIds: data.shopIds.filter((s) => !previous.shopIds.includes(s)) };
}

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
