import { Inject, Injectable } from '@nestjs/common';
import {
  CONSUMER_GROUPS,
  createEventDecoder,
  DISPATCH_EVENT_CONTRACTS,
  DomainError,
  EXCEPTION_EVENT_CONTRACTS,
  type ExceptionEvent,
  ORDER_EVENT_CONTRACTS,
} from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { LOGGER, periodicTask, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import type { DispatchConfig } from '../dispatch.config';
import { isoAt } from './domain/plan-instance';
import { endOfLocalDay } from '../shared/domain/shop-clock';
import { Planner } from './planner';

const decode = createEventDecoder([...ORDER_EVENT_CONTRACTS, ...DISPATCH_EVENT_CONTRACTS, ...EXCEPTION_EVENT_CONTRACTS]);

/** Order events after which the shop's plan no longer fits what is on its shelf. */
const ORDER_TRIGGERS: ReadonlySet<string> = new Set([
  'ArrangementFinished',
  'DeliveryAddressCorrected',
  'DeliveryWindowChanged',
  'OrderCancelled',
  'DeliveryRescheduled',
]);

/** A request waits at most this long for the board to apply the order events behind it. */
const BOARD_WAIT_SECONDS = 30;
const TICK_MS = 250;
const CLAIM_BATCH = 10;

/**
 * What makes a shop's plan stale, in: order events, riders' availability, and a rider's vehicle
 * breaking down (an exception report from messaging). Each marks the shop in `replan_requests`, in
 * the message's transaction; the Replanner plans it.
 */
export const planningTriggersConsumer = kafkaConsumer(
  'PlanningTriggersConsumer',
  (config: DispatchConfig) => ({
    subscription: CONSUMER_GROUPS.dispatchPlanning,
    handle: async (message, db) => {
      const decoded = decode(message.value);
      if (!decoded.known) return;
      const { type, event } = decoded;
      if (ORDER_TRIGGERS.has(type)) {
        const { orderId, shopId } = decoded.data as { orderId: string; shopId: string };
        await requestReplan(db, shopId, `${type}:${orderId}`, false);
        await waitForBoard(db, shopId, orderId, event.streamVersion);
        return;
      }
      if (type === 'RiderAvailabilityChanged') {
        const { riderId, shopId } = decoded.data as { riderId: string; shopId: string };
        await requestReplan(db, shopId, `${type}:${riderId}`, false);
        return;
      }
      if (type === 'ExceptionReported') {
        const report = decoded.data as Extract<ExceptionEvent, { type: 'ExceptionReported' }>['data'];
        if (report.details.type !== 'vehicle_broken') return;
        const riderId = report.riderId ?? (report.reportedBy.role === 'rider' ? report.reportedBy.subject : undefined);
        if (!riderId) return;
        await markVehicleBroken(db, report.shopId, riderId, report.exceptionId, report.reportedAt, config.DISPATCH_TIME_ZONE);
        await requestReplan(db, report.shopId, `vehicle_breakdown:${riderId}`, true);
      }
    },
  }),
  [SERVICE_CONFIG],
);

/** The first request since the last plan sets the time; an urgent one (a breakdown) keeps its trigger until planned. */
async function requestReplan(db: EntityManager, shopId: string, trigger: string, urgent: boolean): Promise<void> {
  await db.query(
    `INSERT INTO replan_requests (shop_id, requested_at, trigger, urgent) VALUES ($1, now(), $2, $3)
     ON CONFLICT (shop_id) DO UPDATE SET
       requested_at = COALESCE(replan_requests.requested_at, EXCLUDED.requested_at),
       trigger = CASE WHEN replan_requests.urgent AND NOT EXCLUDED.urgent THEN replan_requests.trigger ELSE EXCLUDED.trigger END,
       urgent = replan_requests.urgent OR EXCLUDED.urgent`,
    [shopId, trigger, urgent],
  );
}

/** The board is kept by another consumer group: a plan for this event waits until the board has it. */
async function waitForBoard(db: EntityManager, shopId: string, orderId: string, streamVersion: number): Promise<void> {
  await db.query(
    `INSERT INTO replan_orders (order_id, shop_id, stream_version) VALUES ($1, $2, $3)
     ON CONFLICT (order_id) DO UPDATE SET stream_version = GREATEST(replan_orders.stream_version, EXCLUDED.stream_version)`,
    [orderId, shopId, streamVersion],
  );
}

/** Off the road until the end of the shop's day: a broken vehicle is rarely fixed before tomorrow. */
async function markVehicleBroken(
  db: EntityManager,
  shopId: string,
  riderId: string,
  exceptionId: string,
  reportedAt: string,
  defaultTimeZone: string,
): Promise<void> {
  const [settings] = await db.query<Array<{ time_zone: string | null }>>(`SELECT time_zone FROM dispatch_settings WHERE shop_id = $1`, [shopId]);
  const timeZone = settings?.time_zone ?? defaultTimeZone;
  const until = isoAt(endOfLocalDay(Date.parse(reportedAt), timeZone));
  await db.query(
    `INSERT INTO broken_vehicles (rider_id, shop_id, exception_id, reported_at, until) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (rider_id) DO UPDATE SET shop_id = EXCLUDED.shop_id, exception_id = EXCLUDED.exception_id, reported_at = EXCLUDED.reported_at,
       until = GREATEST(broken_vehicles.until, EXCLUDED.until)`,
    [riderId, shopId, exceptionId, reportedAt, until],
  );
}

interface Claimed {
  shop_id: string;
  trigger: string;
  urgent: boolean;
}

/**
 * Plans the shops marked in `replan_requests`: at most once per shop per
 * DISPATCH_REPLAN_DEBOUNCE_SECONDS, once the first change is DISPATCH_REPLAN_SETTLE_MS old and the
 * board has applied the order events behind it; a breakdown at once. Applies the plan when the shop
 * lets dispatch do so. A request is claimed (FOR UPDATE SKIP LOCKED) before it is planned, so with
 * several replicas each request is planned by one of them.
 */
@Injectable()
export class Replanner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: Planner,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Plans every shop whose request is due; answers how many were planned. */
  async runDue(): Promise<number> {
    const claimed = await this.claim();
    for (const request of claimed) await this.replan(request);
    return claimed.length;
  }

  private async replan({ shop_id: shopId, trigger }: Claimed): Promise<void> {
    try {
      const { plan, settings } = await this.planner.propose(shopId, trigger);
      this.logger.info({ shopId, planId: plan.planId, trigger }, 'plan proposed');
      if (!settings.autoApply) return;
      const { outcome: applied } = await this.planner.apply(shopId, plan.planId, true);
      this.logger.info({ shopId, planId: plan.planId, requested: applied.requested.length, skipped: applied.skipped.length }, 'plan applied automatically');
    } catch (err) {
      if (err instanceof DomainError && err.code === 'DEPOT_NOT_CONFIGURED') {
        this.logger.debug({ shopId, trigger }, 'not replanned: the shop has no location set');
        return;
      }
      // A newer plan got in between (PLAN_NOT_LATEST) or the database failed: ask again.
      this.logger.warn({ err, shopId, trigger }, 'replanning failed; asked again');
      await this.dataSource
        .query(`UPDATE replan_requests SET requested_at = COALESCE(requested_at, now()), trigger = COALESCE(trigger, $2) WHERE shop_id = $1`, [shopId, trigger])
        .catch((again: unknown) => this.logger.error({ err: again, shopId }, 'replan request lost'));
    }
  }

  private claim(): Promise<Claimed[]> {
    return this.dataSource.transaction(async (db) => {
      const claimed = await db.query<Claimed[]>(
        `WITH due AS (
           SELECT r.shop_id, r.trigger, r.urgent FROM replan_requests r
            WHERE r.requested_at IS NOT NULL
              AND (r.urgent OR (
                (r.last_planned_at IS NULL OR r.last_planned_at <= now() - make_interval(secs => $1))
                AND r.requested_at <= now() - make_interval(secs => $2)
                AND (r.requested_at <= now() - make_interval(secs => $3) OR NOT EXISTS (
                  SELECT 1 FROM replan_orders o LEFT JOIN deliveries d ON d.order_id = o.order_id
                   WHERE o.shop_id = r.shop_id AND (d.order_version IS NULL OR d.order_version < o.stream_version)))))
            ORDER BY r.urgent DESC, r.requested_at
            LIMIT $4
            FOR UPDATE OF r SKIP LOCKED),
         claimed AS (
           UPDATE replan_requests r SET requested_at = NULL, trigger = NULL, urgent = false, last_planned_at = now()
             FROM due WHERE r.shop_id = due.shop_id
           RETURNING r.shop_id, due.trigger, due.urgent)
         SELECT shop_id, trigger, urgent FROM claimed`,
        [this.config.DISPATCH_REPLAN_DEBOUNCE_SECONDS, this.config.DISPATCH_REPLAN_SETTLE_MS / 1000, BOARD_WAIT_SECONDS, CLAIM_BATCH],
      );
      if (claimed.length > 0) await db.query(`DELETE FROM replan_orders WHERE shop_id = ANY($1)`, [claimed.map((c) => c.shop_id)]);
      return claimed;
    });
  }
}

export const REPLANNING = Symbol('REPLANNING');

/** The Replanner, every TICK_MS: a pass plans what is due by then. */
export const replanning = periodicTask(
  REPLANNING,
  (replanner: Replanner) => ({
    name: 'replanner',
    everyMs: TICK_MS,
    pass: () => replanner.runDue(),
    failure: 'replan requests could not be claimed; the next tick retries',
  }),
  [Replanner],
);
