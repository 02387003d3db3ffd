import { specFor } from '@petalpost/testing';
import { type PlanEvent, planDecider, type PlanProposal } from './plan.decider';

const spec = specFor(planDecider);
const shopId = 's1';
const now = '2026-02-14T09:00:00.000Z';
const later = '2026-02-14T09:05:00.000Z';

const proposal = (planId: string): PlanProposal => ({
  planId,
  shopId,
  trigger: 'dispatcher',
  solver: 'in-process',
  routes: [{ riderId: 'r1', distanceMeters: 1200, trips: [] }],
  unplanned: [{ orderId: 'o9', reason: 'no-coordinates' }],
  distanceMeters: 1200,
  proposedAt: now,
});
const proposed = (planId: string): PlanEvent => ({ type: 'PlanProposed', data: proposal(planId) });
const propose = (planId: string) => {
  const { proposedAt: _at, ...rest } = proposal(planId);
  return { type: 'ProposePlan' as const, ...rest, now };
};
const apply = (planId: string, automatically = false) => ({ type: 'ApplyPlan' as const, shopId, planId, automatically, now: later });

describe('a shop that never configured dispatch', () => {
  it('records the settings, with the defaults for what the request leaves out', () => {
    spec
      .given([])
      .when({ type: 'ConfigureDispatch', shopId, autoApply: true, depot: { lat: 52.09, lng: 5.12 }, now })
      .then([{ type: 'DispatchSettingsChanged', data: { shopId, autoApply: true, atRiskMarginMinutes: 15, serviceMinutes: 5, depot: { lat: 52.09, lng: 5.12 }, changedAt: now } }]);
  });

  it('records nothing when asked for the defaults it already plans with', () => {
    spec.given([]).when({ type: 'ConfigureDispatch', shopId, autoApply: false, now }).then([]);
  });

  it('proposes a plan with the plan id the command brings', () => {
    spec.given([]).when(propose('p1')).then([proposed('p1')]);
  });

  it('refuses to apply a plan it never proposed', () => {
    const error = spec.given([]).when(apply('p1')).thenRefuses('PLAN_NOT_LATEST', 'conflict');
    expect(error.details).toEqual({ latestPlanId: null, latestProposedAt: null, latestAppliedAt: null });
  });
});

describe('a shop with settings', () => {
  const configured: PlanEvent = {
    type: 'DispatchSettingsChanged',
    data: { shopId, autoApply: true, atRiskMarginMinutes: 20, serviceMinutes: 4, timeZone: 'Europe/Amsterdam', changedAt: now },
  };

  it('replaces them whole: a setting left out goes back to its default', () => {
    spec
      .given([configured])
      .when({ type: 'ConfigureDispatch', shopId, autoApply: true, serviceMinutes: 4, now: later })
      .then([{ type: 'DispatchSettingsChanged', data: { shopId, autoApply: true, atRiskMarginMinutes: 15, serviceMinutes: 4, changedAt: later } }]);
  });

  it('records nothing when the settings do not change', () => {
    spec.given([configured]).when({ type: 'ConfigureDispatch', shopId, autoApply: true, atRiskMarginMinutes: 20, serviceMinutes: 4, timeZone: 'Europe/Amsterdam', now: later }).then([]);
  });

  it('keeps them in its state', () => {
    const state = [configured].reduce(planDecider.evolve, planDecider.initialState());
    expect(state.settings).toEqual({ autoApply: true, atRiskMarginMinutes: 20, serviceMinutes: 4, timeZone: 'Europe/Amsterdam' });
  });
});

describe('a shop with a proposed plan', () => {
  it('applies the latest plan', () => {
    spec
      .given([proposed('p1')])
      .when(apply('p1', true))
      .then([{ type: 'PlanApplied', data: { planId: 'p1', shopId, automatically: true, appliedAt: later } }]);
  });

  it('refuses to apply a plan a newer one replaced, and says which is latest', () => {
    const error = spec.given([proposed('p1'), proposed('p2')]).when(apply('p1')).thenRefuses('PLAN_NOT_LATEST', 'conflict');
    expect(error.details).toEqual({ latestPlanId: 'p2', latestProposedAt: now, latestAppliedAt: null });
  });

  it('records nothing when the same proposal comes again', () => {
    spec.given([proposed('p1')]).when(propose('p1')).then([]);
  });
});

describe('a shop whose latest plan was applied', () => {
  const applied: PlanEvent = { type: 'PlanApplied', data: { planId: 'p1', shopId, automatically: false, appliedAt: later } };

  it('records nothing when it is applied again', () => {
    spec.given([proposed('p1'), applied]).when(apply('p1')).then([]);
  });

  it('proposes the next plan, which may be applied in turn', () => {
    spec.given([proposed('p1'), applied]).when(propose('p2')).then([proposed('p2')]);
    spec
      .given([proposed('p1'), applied, proposed('p2')])
      .when(apply('p2'))
      .then([{ type: 'PlanApplied', data: { planId: 'p2', shopId, automatically: false, appliedAt: later } }]);
  });
});
