import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type GeoPoint } from '@petalpost/contracts';
import { SERVICE_CONFIG } from '@petalpost/platform';
import type { Plan, RouteSolver, TravelTimes } from '@petalpost/route-planning';
import { DataSource } from 'typeorm';
import { type CommandResult, EventStore, type fromRequest, readState, runCommand } from '@petalpost/event-store';
import type { DispatchConfig } from '../dispatch.config';
import { deliveryDecider, deliveryStream } from '../deliveries/domain/delivery.decider';
import { keepingCurrentRiders, preparePlanning, toProposal } from './domain/plan-instance';
import {
  type DayPlans,
  type DispatchSettings,
  dispatchSettingsDecider,
  dispatchSettingsStream,
  planDay,
  planDecider,
  type PlanProposal,
  planStream,
} from './domain/plan.decider';
import { boardRowsOf, deliveriesToPlan } from '../deliveries/deliveries.queries';
import { latestPositionsOf } from '../positions/positions.queries';
import { ridersOnShift } from '../riders/riders.queries';
import { ridersWithBrokenVehicles } from './plans.queries';
import { ROUTE_SOLVER, TRAVEL_TIMES } from './route-solver.provider';

export type LatestPlan = NonNullable<DayPlans['latest']>;

export interface ApplyResult {
  planId: string;
  /** False when the plan had been applied before: nothing was asked again. */
  appliedNow: boolean;
  requested: Array<{ orderId: string; riderId: string }>;
  /** Orders the plan gives a rider that cannot take them any more (picked up, cancelled, …). */
  skipped: Array<{ orderId: string; reason: string }>;
}

/** Who asks, and the Idempotency-Key of their request; the replanner's automatic runs have neither. */
type Cause = ReturnType<typeof fromRequest>;

/** Same shop, same situation → same plan: the search is seeded, only its time budget varies. */
const SEED = 1;

/**
 * Proposes a shop's plan from the board and the riders on shift, and applies one: the plan's
 * record goes to the stream of the shop's local day, each changed assignment to the order's
 * delivery stream (from where the relay sends AssignRider to the orders service).
 */
@Injectable()
export class Planner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    @Inject(ROUTE_SOLVER) private readonly solver: RouteSolver,
    @Inject(TRAVEL_TIMES) private readonly travel: TravelTimes<GeoPoint>,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchConfig,
  ) {}

  settings(shopId: string): Promise<DispatchSettings> {
    return readState(this.store, dispatchSettingsDecider, dispatchSettingsStream(shopId));
  }

  /** Today's latest plan of the shop, on its own clock; none before its first plan of the day. */
  async latest(shopId: string): Promise<LatestPlan | undefined> {
    const stream = this.dayStream(shopId, await this.settings(shopId), new Date().toISOString());
    return (await readState(this.store, planDecider, stream)).latest;
  }

  async propose(
    shopId: string,
    trigger: string,
    request: { depot?: GeoPoint; cause?: Cause } = {},
  ): Promise<{ plan: LatestPlan; settings: DispatchSettings; result: CommandResult<DayPlans> }> {
    const settings = await this.settings(shopId);
    const depot = request.depot ?? settings.depot;
    if (!depot)
      throw new DomainError(
        'conflict',
        'DEPOT_NOT_CONFIGURED',
        'the shop has no location to plan from: set depot in its dispatch settings, or send one with the request',
      );
    const now = new Date().toISOString();
    const [deliveries, riders, brokenRiders, positions] = await Promise.all([
      deliveriesToPlan(this.dataSource, shopId),
      ridersOnShift(this.dataSource, shopId),
      ridersWithBrokenVehicles(this.dataSource),
      // Where the shop's riders last said they were: a rider out on a trip is planned from their return.
      latestPositionsOf(this.dataSource, shopId),
    ]);
    const prepared = preparePlanning({
      shopId,
      depot,
      timeZone: this.timeZoneOf(settings),
      now,
      serviceMinutes: settings.serviceMinutes,
      deliveries,
      riders,
      brokenRiders,
      positions,
      travel: this.travel,
    });
    const { plan, solver } = await this.solve(prepared.instance);
    const result = await runCommand(
      this.store,
      planDecider,
      this.dayStream(shopId, settings, now),
      { type: 'ProposePlan', planId: randomUUID(), shopId, trigger, solver, ...toProposal(prepared, keepingCurrentRiders(plan, prepared)), now },
      request.cause,
    );
    return { plan: result.state.latest as LatestPlan, settings, result };
  }

  /**
   * Only today's latest plan may be applied: a plan of an earlier day is not on today's stream (409).
   * The Idempotency-Key, if any, is the plan's: each order's assignment is asked once anyway.
   */
  async apply(shopId: string, planId: string, automatically: boolean, cause: Cause = {}): Promise<{ outcome: ApplyResult; result: CommandResult<DayPlans> }> {
    const now = new Date().toISOString();
    const stream = this.dayStream(shopId, await this.settings(shopId), now);
    const result = await runCommand(this.store, planDecider, stream, { type: 'ApplyPlan', shopId, planId, automatically, now }, cause);
    const outcome: ApplyResult = { planId, appliedNow: result.events.length > 0, requested: [], skipped: [] };
    const plan = result.state.latest as PlanProposal;
    if (!outcome.appliedNow) return { outcome, result };
    const { actor } = cause;
    const stops = plan.routes.flatMap((route) => route.trips.flatMap((trip) => trip.stops.map((stop) => ({ orderId: stop.orderId, riderId: route.riderId }))));
    const board = await boardRowsOf(
      this.dataSource,
      stops.map((s) => s.orderId),
    );
    for (const { orderId, riderId } of stops) {
      const row = board.get(orderId);
      if (!row) {
        outcome.skipped.push({ orderId, reason: 'ORDER_NOT_ON_BOARD' });
        continue;
      }
      if (row.riderId === riderId) continue;
      try {
        const decided = await runCommand(
          this.store,
          deliveryDecider,
          deliveryStream(orderId),
          { type: 'RequestAssignment', orderId, shopId, riderId, board: row, source: automatically ? 'replan' : 'plan', planId, now: new Date().toISOString() },
          { actor },
        );
        if (decided.events.length > 0) outcome.requested.push({ orderId, riderId });
      } catch (err) {
        // The order moved on since the plan was made: the rest of the plan still stands.
        if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
        outcome.skipped.push({ orderId, reason: err.code });
      }
    }
    return { outcome, result };
  }

  private timeZoneOf(settings: DispatchSettings): string {
    return settings.timeZone ?? this.config.DISPATCH_TIME_ZONE;
  }

  private dayStream(shopId: string, settings: DispatchSettings, now: string): string {
    return planStream(shopId, planDay(now, this.timeZoneOf(settings)));
  }

  private async solve(instance: Parameters<RouteSolver['solve']>[0]): Promise<{ plan: Plan; solver: string }> {
    if (instance.stops.length === 0) return { plan: { routes: [], unassigned: [], distance: 0 }, solver: this.solver.name };
    const result = await this.solver.solve(instance, this.travel, {
      seed: SEED,
      timeLimitMs: this.config.DISPATCH_PLAN_TIME_LIMIT_MS,
      clock: () => performance.now(),
    });
    return { plan: result.plan, solver: result.fallback ? `${result.solvedBy} (${result.fallback.from} failed)` : result.solvedBy };
  }
}
