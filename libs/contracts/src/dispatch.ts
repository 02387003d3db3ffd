import { z } from 'zod';
import { defineEvent } from './integration-event';
import { GeoPointSchema } from './orders';

/**
 * The dispatch service's vocabulary, shared by its API, its log and `dispatch.events`: riders
 * (profile, vehicle, availability), the decisions of who delivers what (which dispatch turns into
 * commands on `orders.commands`), route plans, and the ETAs and risks it predicts.
 *
 * Keys on `dispatch.events`: a rider's events by rider id, a delivery's by order id (so they stay
 * in order with the order's own events), a shop's plans by shop id.
 */

const time = z.iso.datetime({ offset: true });

export const VEHICLE_KINDS = ['bicycle', 'e-bike', 'scooter', 'car'] as const;
export const VehicleKindSchema = z.enum(VEHICLE_KINDS);
export type VehicleKind = z.infer<typeof VehicleKindSchema>;

export const RiderVehicleSchema = z.strictObject({
  kind: VehicleKindSchema,
  /** Bouquets the vehicle carries at once; a large arrangement may count as several. */
  capacity: z.number().int().min(1).max(200),
});
export type RiderVehicle = z.infer<typeof RiderVehicleSchema>;

export const RIDER_AVAILABILITIES = ['on_shift', 'on_break', 'off'] as const;
export const RiderAvailabilitySchema = z.enum(RIDER_AVAILABILITIES);
export type RiderAvailability = z.infer<typeof RiderAvailabilitySchema>;

const riderRef = { riderId: z.string().min(1).max(100), shopId: z.string().min(1).max(100) };
const deliveryRef = { orderId: z.string().min(1), shopId: z.string().min(1) };

export const RiderRegisteredV1 = defineEvent(
  'RiderRegistered',
  1,
  z.object({
    ...riderRef,
    /**
     * Every shop the rider rides for; `shopId` (the first) owns the profile. Since approvals, only
     * the owner: a registration written before them that names more offers the rider to the others.
     */
    shopIds: z.array(z.string().min(1).max(100)).min(1),
    /** Shops the owner offered the rider to: each rides with the rider only once it approves them. */
    pendingShopIds: z.array(z.string().min(1).max(100)).optional(),
    name: z.string().min(1).max(200),
    phone: z.string().min(3).max(40).optional(),
    vehicle: RiderVehicleSchema,
    registeredAt: time,
  }),
);
export const RiderProfileUpdatedV1 = defineEvent(
  'RiderProfileUpdated',
  1,
  z.object({
    ...riderRef,
    /** The shops the rider now rides for, each approved by its own desk (the owner first); always with `pendingShopIds`. */
    shopIds: z.array(z.string().min(1).max(100)).min(1).optional(),
    /** The shops offered the rider that have not approved yet (an update without it predates approvals). */
    pendingShopIds: z.array(z.string().min(1).max(100)).optional(),
    name: z.string().min(1).max(200).optional(),
    phone: z.string().min(3).max(40).optional(),
    vehicle: RiderVehicleSchema.optional(),
    updatedAt: time,
  }),
);
export const RiderAvailabilityChangedV1 = defineEvent(
  'RiderAvailabilityChanged',
  1,
  z.object({ ...riderRef, availability: RiderAvailabilitySchema, previous: RiderAvailabilitySchema, changedAt: time }),
);

/** Where a decision came from: a dispatcher by hand, or an applied plan. */
export const DecisionSourceSchema = z.enum(['manual', 'plan', 'replan']);
export type DecisionSource = z.infer<typeof DecisionSourceSchema>;

/** A decision that the order should go to this rider: relayed as `AssignRider` on `orders.commands`. */
export const AssignmentRequestedV1 = defineEvent(
  'AssignmentRequested',
  1,
  z.object({ ...deliveryRef, riderId: z.string().min(1).max(100), source: DecisionSourceSchema, planId: z.string().optional(), requestedAt: time }),
);
/** A decision that the order should lose its rider: relayed as `UnassignRider` on `orders.commands`. */
export const UnassignmentRequestedV1 = defineEvent(
  'UnassignmentRequested',
  1,
  z.object({ ...deliveryRef, riderId: z.string().min(1).max(100), reason: z.string().max(500).optional(), source: DecisionSourceSchema, requestedAt: time }),
);

/** When the order should arrive, by the plan and the rider's latest position. */
export const EtaUpdatedV1 = defineEvent(
  'EtaUpdated',
  1,
  z.object({ ...deliveryRef, riderId: z.string().optional(), eta: time, windowFrom: time, windowTo: time, estimatedAt: time }),
);
/** The ETA passed the window's end minus the shop's margin (act now and it may still be on time), or the order's hard deadline. */
export const DeliveryAtRiskV1 = defineEvent(
  'DeliveryAtRisk',
  1,
  z.object({
    ...deliveryRef,
    riderId: z.string().optional(),
    eta: time,
    windowTo: time,
    marginMinutes: z.number().int().min(0),
    /** The order's hard deadline (a funeral service), when the ETA is past it: it can no longer arrive in time. */
    deadline: time.optional(),
    flaggedAt: time,
  }),
);
/** The window closed before the order was delivered. */
export const DeliveryLateV1 = defineEvent(
  'DeliveryLate',
  1,
  z.object({ ...deliveryRef, riderId: z.string().optional(), eta: time.optional(), windowTo: time, flaggedAt: time }),
);

export const PlannedStopSchema = z.object({
  orderId: z.string().min(1),
  /** Planned start of the hand-over at the door (the window's start after waiting). */
  arriveAt: time,
  departAt: time,
  windowFrom: time,
  windowTo: time,
});
export const PlannedTripSchema = z.object({ leaveShopAt: time, backAtShopAt: time, load: z.number().int().min(0), stops: z.array(PlannedStopSchema) });
export const PlannedRouteSchema = z.object({ riderId: z.string().min(1), distanceMeters: z.number().min(0), trips: z.array(PlannedTripSchema) });
export const UnplannedOrderSchema = z.object({ orderId: z.string().min(1), reason: z.string().min(1) });
export type PlannedStop = z.infer<typeof PlannedStopSchema>;
export type PlannedRoute = z.infer<typeof PlannedRouteSchema>;
export type UnplannedOrder = z.infer<typeof UnplannedOrderSchema>;

/** A plan for a shop's open deliveries: which rider takes which orders, in which order, arriving when. */
export const PlanProposedV1 = defineEvent(
  'PlanProposed',
  1,
  z.object({
    planId: z.string().min(1),
    shopId: z.string().min(1),
    /** What asked for it: a dispatcher, or the event that made the last plan stale. */
    trigger: z.string().min(1).max(200),
    /** The solver that produced the plan (a fallback says so). */
    solver: z.string().min(1),
    routes: z.array(PlannedRouteSchema),
    unplanned: z.array(UnplannedOrderSchema),
    distanceMeters: z.number().min(0),
    proposedAt: time,
  }),
);
/** The plan's assignments were requested: by a dispatcher, or automatically when the shop lets dispatch apply its plans. */
export const PlanAppliedV1 = defineEvent(
  'PlanApplied',
  1,
  z.object({ planId: z.string().min(1), shopId: z.string().min(1), automatically: z.boolean(), appliedAt: time }),
);
/**
 * An applied plan gave a rider other stops, or the same in another order, than the plan applied
 * before it that day (the day's first applied plan tells every rider it gives stops). Keyed by rider
 * id: told to that rider and the shop's desk, so the rider's app refetches the run and shows what changed.
 */
export const RiderRunReplannedV1 = defineEvent(
  'RiderRunReplanned',
  1,
  z.object({
    ...riderRef,
    planId: z.string().min(1),
    /** The rider's orders in the order the plan rides them, trip by trip; empty when the plan leaves the rider none. */
    orderIds: z.array(z.string().min(1)),
    appliedAt: time,
  }),
);
/** How a shop wants dispatch to plan. */
export const DispatchSettingsChangedV1 = defineEvent(
  'DispatchSettingsChanged',
  1,
  z.object({
    shopId: z.string().min(1),
    autoApply: z.boolean(),
    /** An ETA later than the window's end minus this is at risk. */
    atRiskMarginMinutes: z.number().int().min(0).max(240),
    /** Minutes a rider spends handing over one order at the door. */
    serviceMinutes: z.number().int().min(0).max(60),
    /** Where the shop is: every trip starts and ends there (there is no shop registry yet). */
    depot: GeoPointSchema.optional(),
    /** The shop's IANA time zone: a plan's day and its rush hours are the shop's local ones (UTC when absent). */
    timeZone: z.string().min(1).max(64).optional(),
    changedAt: time,
  }),
);

/** Every event dispatch publishes on `dispatch.events`. */
export const DISPATCH_EVENT_CONTRACTS = [
  RiderRegisteredV1,
  RiderProfileUpdatedV1,
  RiderAvailabilityChangedV1,
  AssignmentRequestedV1,
  UnassignmentRequestedV1,
  EtaUpdatedV1,
  DeliveryAtRiskV1,
  DeliveryLateV1,
  PlanProposedV1,
  PlanAppliedV1,
  RiderRunReplannedV1,
  DispatchSettingsChangedV1,
] as const;

export type DispatchIntegrationEvent = {
  [C in (typeof DISPATCH_EVENT_CONTRACTS)[number] as C['type']]: { type: C['type']; data: z.infer<C['schema']> };
}[(typeof DISPATCH_EVENT_CONTRACTS)[number]['type']];
