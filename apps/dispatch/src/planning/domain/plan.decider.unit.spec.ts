import { RiderRunReplannedV1 } from '@petalpost/contracts';
import { specFor } from '@petalpost/testing';
import {
  type DayPlanEvent,
  type DispatchSettingsEvent,
  dispatchSettingsDecider,
  dispatchSettingsStream,
  planDay,
  planDecider,
  type PlanProposal,
  planStream,
} from './plan.decider';

const settingsSpec = specFor(dispatchSettingsDecider);
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
const proposed = (planId: string): DayPlanEvent => ({ type: 'PlanProposed', data: proposal(planId) });
const propose = (planId: string) => {
  const { proposedAt: _at, ...rest } = proposal(planId);
  return { type: 'ProposePlan' as const, ...rest, now };
};
const apply = (planId: string, automatically = false) => ({ type: 'ApplyPlan' as const, shopId, planId, automatically, now: later });

describe('a shop that never configured dispatch', () => {
  it('records the settings, with the defaults for what the request leaves out', () => {
    settingsSpec
      .given([])
      .when({ type: 'ConfigureDispatch', shopId, autoApply: true, depot: { lat: 52.09, lng: 5.12 }, now })
      .then([
        {
          type: 'DispatchSettingsChanged',
          data: { shopId, autoApply: true, atRiskMarginMinutes: 15, serviceMinutes: 5, depot: { lat: 52.09, lng: 5.12 }, changedAt: now },
        },
      ]);
  });

  it('records nothing when asked for the defaults it already plans with', () => {
    settingsSpec.given([]).when({ type: 'ConfigureDispatch', shopId, autoApply: false, now }).then([]);
  });
});

describe('a shop with settings', () => {
  const configured: DispatchSettingsEvent = {
    type: 'DispatchSettingsChanged',
    data: { shopId, autoApply: true, atRiskMarginMinutes: 20, serviceMinutes: 4, timeZone: 'Europe/Amsterdam', changedAt: now },
  };

  it('replaces them whole: a setting left out goes back to its default', () => {
    settingsSpec
      .given([configured])
      .when({ type: 'ConfigureDispatch', shopId, autoApply: true, serviceMinutes: 4, now: later })
      .then([{ type: 'DispatchSettingsChanged', data: { shopId, autoApply: true, atRiskMarginMinutes: 15, serviceMinutes: 4, changedAt: later } }]);
  });

  it('records nothing when the settings do not change', () => {
    settingsSpec
      .given([configured])
      .when({ type: 'ConfigureDispatch', shopId, autoApply: true, atRiskMarginMinutes: 20, serviceMinutes: 4, timeZone: 'Europe/Amsterdam', now: later })
      .then([]);
  });

  it('keeps them in its state', () => {
    const state = [configured].reduce(dispatchSettingsDecider.evolve, dispatchSettingsDecider.initialState());
    expect(state).toEqual({ autoApply: true, atRiskMarginMinutes: 20, serviceMinutes: 4, timeZone: 'Europe/Amsterdam' });
  });
});

describe('a day without plans yet', () => {
  it('proposes a plan with the plan id the command brings', () => {
    spec
      .given([])
      .when(propose('p1'))
      .then([proposed('p1')]);
  });

  it('refuses to apply a plan it never proposed', () => {
    const error = spec.given([]).when(apply('p1')).thenRefuses('PLAN_NOT_LATEST', 'conflict');
    expect(error.details).toEqual({ latestPlanId: null, latestProposedAt: null, latestAppliedAt: null });
  });
});

describe('a day with a proposed plan', () => {
  it('applies the latest plan', () => {
    spec
      .given([proposed('p1')])
      .when(apply('p1', true))
      .then([{ type: 'PlanApplied', data: { planId: 'p1', shopId, automatically: true, appliedAt: later } }]);
  });

  it('refuses to apply a plan a newer one replaced, and says which is latest', () => {
    const error = spec
      .given([proposed('p1'), proposed('p2')])
      .when(apply('p1'))
      .thenRefuses('PLAN_NOT_LATEST', 'conflict');
    expect(error.details).toEqual({ latestPlanId: 'p2', latestProposedAt: now, latestAppliedAt: null });
  });

  it('records nothing when the same proposal comes again', () => {
    spec
      .given([proposed('p1')])
      .when(propose('p1'))
      .then([]);
  });
});

describe('a day whose latest plan was applied', () => {
  const applied: DayPlanEvent = { type: 'PlanApplied', data: { planId: 'p1', shopId, automatically: false, appliedAt: later } };

  it('records nothing when it is applied again', () => {
    spec
      .given([proposed('p1'), applied])
      .when(apply('p1'))
      .then([]);
  });

  it('proposes the next plan, which may be applied in turn', () => {
    spec
      .given([proposed('p1'), applied])
      .when(propose('p2'))
      .then([proposed('p2')]);
    spec
      .given([proposed('p1'), applied, proposed('p2')])
      .when(apply('p2'))
      .then([{ type: 'PlanApplied', data: { planId: 'p2', shopId, automatically: false, appliedAt: later } }]);
  });
});

describe('the streams of a shop’s auto-dispatch', () => {
  it('keeps the settings apart from the plans, and the plans apart per local day', () => {
    expect(dispatchSettingsStream('s1')).toBe('dispatch-settings-s1');
    expect(planStream('s1', '2026-02-14')).toBe('plans-s1-2026-02-14');
  });

  it('puts a plan on the shop’s local day, not the UTC one', () => {
    expect(planDay('2026-02-14T23:30:00.000Z', 'Europe/Amsterdam')).toBe('2026-02-15');
    expect(planDay('2026-02-14T23:30:00.000Z', 'UTC')).toBe('2026-02-14');
    expect(planDay('2026-02-15T03:00:00.000Z', 'America/New_York')).toBe('2026-02-14');
  });

  it('starts the new day just after local midnight, on the nights the clocks change', () => {
    // Amsterdam's clocks go back at 03:00 on 25 October: its midnight is still at UTC+2.
    expect(planDay('2026-10-24T21:59:59.999Z', 'Europe/Amsterdam')).toBe('2026-10-24');
    expect(planDay('2026-10-24T22:00:00.001Z', 'Europe/Amsterdam')).toBe('2026-10-25');
    // Santiago skips its midnight on 6 September (00:00 → 01:00): the day starts at 01:00.
    expect(planDay('2026-09-06T03:59:59.999Z', 'America/Santiago')).toBe('2026-09-05');
    expect(planDay('2026-09-06T04:00:00.001Z', 'America/Santiago')).toBe('2026-09-06');
    // And lives 23:00–24:00 twice on 4 April: the day ends an hour later in UTC than it began.
    expect(planDay('2026-04-05T03:30:00.000Z', 'America/Santiago')).toBe('2026-04-04');
    expect(planDay('2026-04-05T04:00:00.001Z', 'America/Santiago')).toBe('2026-04-05');
  });
});

describe('telling riders their run changed', () => {
  const stop = (orderId: string) => ({ orderId, arriveAt: now, departAt: now, windowFrom: now, windowTo: later });
  const trip = (...orderIds: string[]) => ({ leaveShopAt: now, backAtShopAt: later, load: orderIds.length, stops: orderIds.map(stop) });
  const planWith = (planId: string, routes: Record<string, string[][]>): DayPlanEvent => ({
    type: 'PlanProposed',
    data: {
      ...proposal(planId),
      routes: Object.entries(routes).map(([riderId, trips]) => ({ riderId, distanceMeters: 1000, trips: trips.map((t) => trip(...t)) })),
    },
  });
  const appliedEvent = (planId: string): DayPlanEvent => ({ type: 'PlanApplied', data: { planId, shopId, automatically: false, appliedAt: later } });
  const replanned = (riderId: string, planId: string, orderIds: string[]): DayPlanEvent => ({
    type: 'RiderRunReplanned',
    data: { riderId, shopId, planId, orderIds, appliedAt: later },
  });

  it('tells each rider the day’s first applied plan gives stops, their orders trip by trip', () => {
    spec
      .given([planWith('p1', { rita: [['o1', 'o2'], ['o3']], ron: [['o4']], idle: [] })])
      .when(apply('p1'))
      .then([appliedEvent('p1'), replanned('rita', 'p1', ['o1', 'o2', 'o3']), replanned('ron', 'p1', ['o4'])]);
  });

  it('tells only the riders whose stops or their order changed, a rider left without stops included', () => {
    spec
      .given([
        planWith('p1', { rita: [['o1', 'o2']], ron: [['o4']], sam: [['o5']] }),
        appliedEvent('p1'),
        planWith('p2', { rita: [['o2', 'o1']], ron: [['o4']], tom: [['o5']] }),
      ])
      .when(apply('p2'))
      .then([appliedEvent('p2'), replanned('rita', 'p2', ['o2', 'o1']), replanned('sam', 'p2', []), replanned('tom', 'p2', ['o5'])]);
  });

  it('compares with the plan applied before, not with a proposal never applied', () => {
    spec
      .given([planWith('p1', { rita: [['o1', 'o2']] }), appliedEvent('p1'), planWith('p2', { rita: [['o2', 'o1']] }), planWith('p3', { rita: [['o1', 'o2']] })])
      .when(apply('p3'))
      .then([appliedEvent('p3')]);
  });

  it('publishes what the contract says', () => {
    const events = planDecider.decide(apply('p1'), planDecider.evolve({}, planWith('p1', { rita: [['o1']] })));
    const told = events.filter((e) => e.type === 'RiderRunReplanned');
    expect(told).toHaveLength(1);
    expect(RiderRunReplannedV1.schema.parse(told[0].data)).toEqual(told[0].data);
  });

  it('tells nobody twice when the plan is applied again', () => {
    spec
      .given([planWith('p1', { rita: [['o1']] }), appliedEvent('p1'), replanned('rita', 'p1', ['o1'])])
      .when(apply('p1'))
      .then([]);
  });
});
