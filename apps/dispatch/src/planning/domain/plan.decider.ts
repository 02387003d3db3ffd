import { DomainError, exhaustive, type GeoPoint, type PlannedRoute, type UnplannedOrder } from '@petalpost/contracts';
import { localDateOf } from '../../shared/domain/shop-clock';

/**
 * A shop's auto-dispatch, on two kinds of stream so that no command reads more than a day of plans:
 * how the shop wants dispatch to plan (`dispatch-settings-<shopId>`, a few events ever), and the
 * plans dispatch proposed on one local day of the shop and which of them were applied
 * (`plans-<shopId>-<YYYY-MM-DD>`; replanning every 30 s makes thousands of plans on a busy day).
 * The plan itself is worked out outside (plan-instance.ts and the solver); the deciders record it
 * and guard applying it.
 */

export const dispatchSettingsStream = (shopId: string) => `dispatch-settings-${shopId}`;
export const planStream = (shopId: string, day: string) => `plans-${shopId}-${day}`;

/** The shop's local date at `now` (an ISO instant): a plan belongs to the day it is proposed on. */
export const planDay = (now: string, timeZone: string): string => localDateOf(Date.parse(now), timeZone);

export interface DispatchSettings {
  autoApply: boolean;
  atRiskMarginMinutes: number;
  serviceMinutes: number;
  depot?: GeoPoint;
  timeZone?: string;
}

export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = { autoApply: false, atRiskMarginMinutes: 15, serviceMinutes: 5 };

export interface PlanProposal {
  planId: string;
  shopId: string;
  trigger: string;
  solver: string;
  routes: PlannedRoute[];
  unplanned: UnplannedOrder[];
  distanceMeters: number;
  proposedAt: string;
}

export type DispatchSettingsEvent = { type: 'DispatchSettingsChanged'; data: { shopId: string } & DispatchSettings & { changedAt: string } };
/** A rider's stops in the order an applied plan gives them (trip by trip), where it differs from the plan applied before it. */
export type RiderRunReplanned = { type: 'RiderRunReplanned'; data: { riderId: string; shopId: string; planId: string; orderIds: string[]; appliedAt: string } };
export type DayPlanEvent =
  | { type: 'PlanProposed'; data: PlanProposal }
  | { type: 'PlanApplied'; data: { planId: string; shopId: string; automatically: boolean; appliedAt: string } }
  | RiderRunReplanned;
/** Everything the plans projection reads, from both kinds of stream. */
export type PlanEvent = DispatchSettingsEvent | DayPlanEvent;

export type ConfigureDispatch = { type: 'ConfigureDispatch'; shopId: string; now: string } & Partial<DispatchSettings>;
export type DayPlanCommand =
  | ({ type: 'ProposePlan'; now: string } & Omit<PlanProposal, 'proposedAt'>)
  | { type: 'ApplyPlan'; shopId: string; planId: string; automatically: boolean; now: string };

export const dispatchSettingsDecider = {
  streamType: 'dispatch-settings',
  initialState: (): DispatchSettings => DEFAULT_DISPATCH_SETTINGS,

  evolve(_state: DispatchSettings, event: DispatchSettingsEvent): DispatchSettings {
    switch (event.type) {
      case 'DispatchSettingsChanged': {
        const { autoApply, atRiskMarginMinutes, serviceMinutes, depot, timeZone } = event.data;
        return { autoApply, atRiskMarginMinutes, serviceMinutes, ...(depot ? { depot } : {}), ...(timeZone ? { timeZone } : {}) };
      }
      default:
        // One event type: the switch narrows `event.type`, not `event`.
        return exhaustive(event.type);
    }
  },

  decide(command: ConfigureDispatch, state: DispatchSettings): DispatchSettingsEvent[] {
    switch (command.type) {
      case 'ConfigureDispatch': {
        // The whole of the settings, as PUT says: what the request leaves out takes its default.
        const { type: _type, now, shopId, ...given } = command;
        const settings: DispatchSettings = { ...DEFAULT_DISPATCH_SETTINGS, ...withoutUndefined(given) };
        if (sameSettings(settings, state)) return [];
        return [{ type: 'DispatchSettingsChanged', data: { shopId, ...settings, changedAt: now } }];
      }
      default:
        return exhaustive(command.type);
    }
  },
};

export interface DayPlans {
  /** The day's last plan proposed, and when it was applied if it was. */
  latest?: PlanProposal & { appliedAt?: string; appliedAutomatically?: boolean };
  /** Each rider's stops in the order the day's last applied plan gave them. */
  appliedRuns?: Record<string, string[]>;
}

/** Each rider's orders in the order a plan rides them: trip by trip, stop by stop. Riders without stops are left out. */
export function runsOf(plan: Pick<PlanProposal, 'routes'>): Record<string, string[]> {
  const runs: Record<string, string[]> = {};
  for (const route of plan.routes) {
    const orderIds = route.trips.flatMap((trip) => trip.stops.map((stop) => stop.orderId));
    if (orderIds.length > 0) runs[route.riderId] = [...(runs[route.riderId] ?? []), ...orderIds];
  }
  return runs;
}

/** One local day of a shop's plans. */
export const planDecider = {
  streamType: 'plans',
  initialState: (): DayPlans => ({}),

  evolve(state: DayPlans, event: DayPlanEvent): DayPlans {
    switch (event.type) {
      case 'PlanProposed':
        return { ...state, latest: event.data };
      case 'PlanApplied':
        if (state.latest?.planId !== event.data.planId) return state;
        return {
          latest: { ...state.latest, appliedAt: event.data.appliedAt, appliedAutomatically: event.data.automatically },
          appliedRuns: runsOf(state.latest),
        };
      case 'RiderRunReplanned':
        return state;
      default:
        return exhaustive(event);
    }
  },

  decide(command: DayPlanCommand, state: DayPlans): DayPlanEvent[] {
    switch (command.type) {
      case 'ProposePlan': {
        const { type: _type, now, ...proposal } = command;
        // The same plan id again is a retry of the same proposal.
        if (state.latest?.planId === proposal.planId) return [];
        return [{ type: 'PlanProposed', data: { ...proposal, proposedAt: now } }];
      }
      case 'ApplyPlan': {
        const latest = state.latest;
        // Only the latest plan was made from what the shop looks like now: an older one would undo
        // later changes. The stream is today's, so a plan of an earlier day is never the latest.
        if (latest?.planId !== command.planId) {
          throw new DomainError('conflict', 'PLAN_NOT_LATEST', `plan ${command.planId} is not the shop's latest plan`, {
            latestPlanId: latest?.planId ?? null,
            latestProposedAt: latest?.proposedAt ?? null,
            latestAppliedAt: latest?.appliedAt ?? null,
          });
        }
        if (latest.appliedAt !== undefined) return [];
        // Each rider whose stops or their order differ from the day's plan applied before is told (a
        // rider left without stops too): their app refetches the run. The day's first plan tells everyone it gives stops.
        const before = state.appliedRuns ?? {};
        const now = runsOf(latest);
        const replanned = [...new Set([...Object.keys(before), ...Object.keys(now)])]
          .sort()
          .filter((riderId) => !sameOrder(before[riderId] ?? [], now[riderId] ?? []))
          .map((riderId): DayPlanEvent => ({
            type: 'RiderRunReplanned',
            data: { riderId, shopId: command.shopId, planId: command.planId, orderIds: now[riderId] ?? [], appliedAt: command.now },
          }));
        return [
          { type: 'PlanApplied', data: { planId: command.planId, shopId: command.shopId, automatically: command.automatically, appliedAt: command.now } },
          ...replanned,
        ];
      }
      default:
        return exhaustive(command);
    }
  },
};

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((orderId, i) => orderId === b[i]);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sameSettings(a: DispatchSettings, b: DispatchSettings): boolean {
  return (
    a.autoApply === b.autoApply &&
    a.atRiskMarginMinutes === b.atRiskMarginMinutes &&
    a.serviceMinutes === b.serviceMinutes &&
    a.depot?.lat === b.depot?.lat &&
    a.depot?.lng === b.depot?.lng &&
    a.timeZone === b.timeZone
  );
}
