import { type Principal } from '@petalpost/auth';
import { DomainError, RiderAvailabilitySchema, type RiderAvailability, VehicleKindSchema, type VehicleKind } from '@petalpost/contracts';
import { SPEED_PROFILES } from '@petalpost/route-planning';
import { z } from 'zod';
import { type Rider, riderNotFound } from '../domain/rider.decider';

export const RiderViewSchema = z.object({
  riderId: z.string(),
  shopId: z.string().describe('The shop that owns the profile'),
  shopIds: z.array(z.string()).describe('Every shop the rider rides for, each having approved them; the owner first'),
  pendingShopIds: z.array(z.string()).describe('Shops the owner offered the rider to that have not approved yet: they neither see nor plan with the rider'),
  name: z.string(),
  phone: z.string().optional(),
  vehicle: z.object({
    kind: VehicleKindSchema,
    capacity: z.number().int().describe('Bouquets carried at once'),
    speedProfile: z.object({ kmh: z.number(), rushHourFactor: z.number() }).describe('What the planner assumes of this kind of vehicle in town'),
  }),
  availability: RiderAvailabilitySchema,
  availabilitySince: z.string(),
  version: z.number().int().describe("The rider stream's version this view reflects"),
});
export type RiderView = z.infer<typeof RiderViewSchema>;

/** A rider as the answer shows them, from their stream or from the read model. */
export function riderView(rider: {
  riderId: string;
  shopId: string;
  shopIds: string[];
  pendingShopIds: string[];
  name: string;
  phone?: string | null;
  vehicleKind: VehicleKind;
  capacity: number;
  availability: RiderAvailability;
  availabilitySince: string | Date;
  version: number;
}): RiderView {
  return {
    riderId: rider.riderId,
    shopId: rider.shopId,
    shopIds: rider.shopIds,
    pendingShopIds: rider.pendingShopIds,
    name: rider.name,
    ...(rider.phone ? { phone: rider.phone } : {}),
    vehicle: { kind: rider.vehicleKind, capacity: rider.capacity, speedProfile: { ...SPEED_PROFILES[rider.vehicleKind] } },
    availability: rider.availability,
    availabilitySince: new Date(rider.availabilitySince).toISOString(),
    version: rider.version,
  };
}

export function riderViewOf(rider: Rider, version: number): RiderView {
  return riderView({ ...rider, vehicleKind: rider.vehicle.kind, capacity: rider.vehicle.capacity, version });
}

/**
 * Who may see a rider: operators; the staff and dispatchers of a shop the rider rides for (one
 * only offered the rider has not approved them yet); the rider, themself. Anyone else is told there is no such rider (404), not that it is not theirs.
 */
export function canSeeRider(principal: Principal, rider: Pick<Rider, 'riderId' | 'shopIds'>): boolean {
  if (principal.role === 'operator') return true;
  if (!principal.shopId || !rider.shopIds.includes(principal.shopId)) return false;
  if (principal.role === 'rider') return principal.sub === rider.riderId;
  return principal.role === 'staff' || principal.role === 'dispatcher';
}

/** The profile belongs to the shop that registered the rider: the other shops see it, they do not change it. */
export function assertMayEditProfile(principal: Principal, rider: Pick<Rider, 'riderId' | 'shopId' | 'shopIds'>): void {
  if (!canSeeRider(principal, rider)) throw riderNotFound();
  if (principal.role !== 'operator' && principal.shopId !== rider.shopId) {
    throw new DomainError('forbidden', 'RIDER_PROFILE_OWNED_ELSEWHERE', `the rider's profile belongs to shop ${rider.shopId}`);
  }
}
