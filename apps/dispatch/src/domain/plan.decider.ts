import { DomainError, type GeoPoint, type PlannedRoute, type UnplannedOrder } from '@petalpost/contracts';

/**
 * A shop's auto-dispatch, one stream per shop (`plans-<shopId>`): how the shop wants dispatch to
 * plan, the plans dispatch proposed and which of them were applied. The plan itself is worked out
 * outside (plan-instance.ts and the solver); the decider records it and guards applying it.
 */

export const planStream = (shopId: string) => `plans-${shopId}`;

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

export type PlanEvent =
  | { type: 'DispatchSettingsChanged'; data: { shopId: string } & DispatchSettings & { changedAt: string } }
  | { type: 'PlanProposed'; data: PlanProposal }
  | { type: 'PlanApplied'; data: { planId: string; shopId: string; automatically: boolean; appliedAt: string } };

export type PlanCommand =
  | ({ type: 'ConfigureDispatch'; shopId: string; now: string } & Partial<DispatchSettings>)
  | ({ type: 'ProposePlan'; now: string } & Omit<PlanProposal, 'proposedAt'>)
  | { type: 'ApplyPlan'; shopId: string; planId: string; automatically: boolean; now: string };

export interface ShopPlanning {
  settings: DispatchSettings;
  /** The last plan proposed, and when it was applied if it was. */
  latest?: PlanProposal & { appliedAt?: string; appliedAutomatically?: boolean };
}

export const planDecider = {
  streamType: 'plans',
  initialState: (): ShopPlanning => ({ settings: DEFAULT_DISPATCH_SETTINGS }),

  evolve(state: ShopPlanning, event: PlanEvent): ShopPlanning {
    switch (event.type) {
      case 'DispatchSettingsChanged': {
        const { autoApply, atRiskMarginMinutes, serviceMinutes, depot, timeZone } = event.data;
        return { ...state, settings: { autoApply, atRiskMarginMinutes, serviceMinutes, ...(depot ? { depot } : {}), ...(timeZone ? { timeZone } : {}) } };
      }
      case 'PlanProposed':
        return { ...state, latest: event.data };
      case 'PlanApplied':
        if (state.latest?.planId !== event.data.planId) return state;
        return { ...state, latest: { ...state.latest, appliedAt: event.data.appliedAt, appliedAutomatically: event.data.automatically } };
      default:
        return exhaustive(event);
    }
  },

  decide(command: PlanCommand, state: ShopPlanning): PlanEvent[] {
    switch (command.type) {
      case 'ConfigureDispatch': {
        // The whole of the settings, as PUT says: what the request leaves out takes its default.
        const { type: _type, now, shopId, ...given } = command;
        const settings: DispatchSettings = { ...DEFAULT_DISPATCH_SETTINGS, ...withoutUndefined(given) };
        if (sameSettings(settings, state.settings)) return [];
        return [{ type: 'DispatchSettingsChanged', data: { shopId, ...settings, changedAt: now } }];
      }
      case 'ProposePlan': {
        const { type: _type, now, ...proposal } = command;
        // The same plan id again is a retry of the same proposal.
        if (state.latest?.planId === proposal.planId) return [];
        return [{ type: 'PlanProposed', data: { ...proposal, proposedAt: now } }];
      }
      case 'ApplyPlan': {
        const latest = state.latest;
        // Only the latest plan was made from what the shop looks like now: an older one would undo later changes.
        if (latest?.planId !== command.planId) {
          throw new DomainError('conflict', 'PLAN_NOT_LATEST', `plan ${command.planId} is not the shop's latest plan`, {
            latestPlanId: latest?.planId ?? null,
            latestProposedAt: latest?.proposedAt ?? null,
            latestAppliedAt: latest?.appliedAt ?? null,
          });
        }
        if (latest.appliedAt !== undefined) return [];
        return [{ type: 'PlanApplied', data: { planId: command.planId, shopId: command.shopId, automatically: command.automatically, appliedAt: command.now } }];
      }
      default:
        return exhaustive(command);
    }
  },
};

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

function exhaustive(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
