import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, runAlone, SERVICE_CONFIG } from '@petalpost/platform';
import { type GeoPoint, offlineTravelTimes, type TravelTimes } from '@petalpost/route-planning';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { EventStore, runCommand } from '@petalpost/event-store';
import type { DispatchConfig } from '../dispatch.config';
import { deliveryDecider, deliveryStream } from '../domain/delivery.decider';
import { estimateArrivals, type EtaStop } from '../domain/eta';
import { clockMinute } from '../domain/shop-clock';
import { RiderPositionsStore } from '../positions/rider-positions.store';

/** An open delivery with a rider, as the board and the applied plan know it. */
interface OpenStopRow {
  order_id: string;
  shop_id: string;
  rider_id: string;
  status: string;
  window_from: Date;
  window_to: Date;
  deadline: Date | null;
  address_lat: number | null;
  address_lng: number | null;
  planned_arrival: Date | null;
}

export interface ShopEtaSettings {
  atRiskMarginMinutes: number;
  serviceMinutes: number;
  depot?: GeoPoint;
  /** IANA name: rush hours are local. */
  timeZone: string;
}

/** Where a shop's settings come from (the planning module's; the service's defaults until then). */
export const SHOP_ETA_SETTINGS = Symbol('SHOP_ETA_SETTINGS');
export type ShopEtaSettingsLookup = (shopId: string, db: EntityManager) => Promise<Partial<ShopEtaSettings>>;

const OPEN_STATUSES = ['awaiting_assignment', 'ready_for_pickup', 'out_for_delivery'];

/**
 * Keeps every party's idea of "when will it arrive" true: re-estimates a rider's stops when their
 * position or orders change (gathered for ETA_RIDER_DEBOUNCE_SECONDS), and every open delivery each
 * ETA_REFRESH_SECONDS, when windows that closed undelivered are flagged late. The decisions go
 * through the delivery decider, which tells only ETAs that moved and flags each risk once: two
 * replicas estimating the same rider append nothing twice.
 */
@Injectable()
export class EtaTracker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly travel: TravelTimes<GeoPoint> = offlineTravelTimes();
  private readonly pending = new Map<string, { shopId: string; riderId: string }>();
  /** `<orderId>@<windowTo>` of the late deliveries already flagged in the log. */
  private readonly flaggedLate = new Set<string>();
  private debounce?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SHOP_ETA_SETTINGS) private readonly shopSettings: ShopEtaSettingsLookup,
    positions: RiderPositionsStore,
  ) {
    positions.onKept((rider) => this.riderChanged(rider.shopId, rider.riderId));
  }

  onApplicationBootstrap(): void {
    const every = this.config.ETA_REFRESH_SECONDS * 1000;
    const tick = () => {
      this.sweepTimer = setTimeout(() => void this.exclusively(() => this.sweep()).finally(() => !this.stopped && tick()), every);
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.debounce);
    await this.running;
  }

  /** The rider moved, or one of their orders changed: their stops are re-estimated shortly. */
  riderChanged(shopId: string, riderId: string): void {
    if (this.stopped) return;
    this.pending.set(`${shopId}\u0000${riderId}`, { shopId, riderId });
    this.debounce ??= setTimeout(() => {
      this.debounce = undefined;
      const riders = [...this.pending.values()];
      this.pending.clear();
      void this.exclusively(async () => {
        for (const rider of riders) await this.estimate(rider);
      });
    }, this.config.ETA_RIDER_DEBOUNCE_SECONDS * 1000);
  }

  /** Every open delivery with a rider re-estimated, and every closed window flagged late: one replica at a time. */
  async sweep(now = new Date()): Promise<void> {
    // The lock's transaction only reads, so it holds no transaction id back from the relay.
    await runAlone(this.dataSource, 'eta-sweep', async (db) => {
      const riders = await db.query<Array<{ shop_id: string; rider_id: string }>>(
        `SELECT DISTINCT shop_id, rider_id FROM deliveries WHERE rider_id IS NOT NULL AND status = ANY($1)`,
        [OPEN_STATUSES],
      );
      for (const rider of riders) await this.estimate({ shopId: rider.shop_id, riderId: rider.rider_id }, now);
      await this.flagLate(now);
    });
  }

  /** Re-estimates one rider's open stops now. */
  async estimate(rider: { shopId: string; riderId: string }, now = new Date()): Promise<void> {
    try {
      const db = this.dataSource.manager;
      const stops = await db.query<OpenStopRow[]>(
        `SELECT d.order_id, d.shop_id, d.rider_id, d.status, d.window_from, d.window_to, d.deadline, d.address_lat, d.address_lng, p.arrive_at AS planned_arrival
           FROM deliveries d LEFT JOIN planned_stops p ON p.order_id = d.order_id AND p.rider_id = d.rider_id
          WHERE d.shop_id = $1 AND d.rider_id = $2 AND d.status = ANY($3)
          ORDER BY p.trip NULLS LAST, p.seq NULLS LAST, d.window_to, d.order_id`,
        [rider.shopId, rider.riderId, OPEN_STATUSES],
      );
      if (stops.length === 0) return;
      const [position] = await db.query<Array<{ lat: number; lng: number }>>(`SELECT lat, lng FROM rider_latest_positions WHERE shop_id = $1 AND rider_id = $2`, [
        rider.shopId,
        rider.riderId,
      ]);
      const [vehicle] = await db.query<Array<{ vehicle_kind: string }>>(`SELECT vehicle_kind FROM riders WHERE rider_id = $1`, [rider.riderId]);
      const settings = await this.settingsFor(rider.shopId);
      const etas = estimateArrivals({
        now: now.getTime(),
        position: position ? { lat: position.lat, lng: position.lng } : null,
        depot: settings.depot,
        // A rider dispatch has no profile for is planned as the slowest vehicle, never as a car.
        profile: vehicle?.vehicle_kind ?? 'bicycle',
        serviceMinutes: settings.serviceMinutes,
        stops: stops.map(toEtaStop),
        travel: this.travel,
        minuteOfDay: (ms) => clockMinute(ms, settings.timeZone),
      });
      const byOrder = new Map(stops.map((s) => [s.order_id, s]));
      for (const { orderId, eta } of etas) {
        const stop = byOrder.get(orderId);
        if (!stop) continue;
        await runCommand(this.store, deliveryDecider, deliveryStream(orderId), {
          type: 'RecordEta',
          orderId,
          shopId: stop.shop_id,
          riderId: stop.rider_id,
          eta: new Date(eta).toISOString(),
          windowFrom: stop.window_from.toISOString(),
          windowTo: stop.window_to.toISOString(),
          ...(stop.deadline ? { deadline: stop.deadline.toISOString() } : {}),
          marginMinutes: settings.atRiskMarginMinutes,
          now: now.toISOString(),
        });
      }
    } catch (err) {
      this.logger.warn({ err, riderId: rider.riderId, shopId: rider.shopId }, 'ETAs not re-estimated; the next sweep tries again');
    }
  }

  private async flagLate(now: Date): Promise<void> {
    const late = await this.dataSource.query<Array<{ order_id: string; shop_id: string; rider_id: string | null; window_to: Date }>>(
      `SELECT order_id, shop_id, rider_id, window_to FROM deliveries WHERE status = ANY($1) AND window_to < $2`,
      [OPEN_STATUSES, now],
    );
    const stillLate = new Set<string>();
    for (const row of late) {
      const windowTo = row.window_to.toISOString();
      const key = `${row.order_id}@${windowTo}`;
      stillLate.add(key);
      // Flagged already (by this replica): a late order stays late all day, its stream need not be read each sweep.
      if (this.flaggedLate.has(key)) continue;
      try {
        await runCommand(this.store, deliveryDecider, deliveryStream(row.order_id), {
          type: 'RecordLate',
          orderId: row.order_id,
          shopId: row.shop_id,
          riderId: row.rider_id ?? undefined,
          windowTo,
          now: now.toISOString(),
        });
        this.flaggedLate.add(key);
      } catch (err) {
        this.logger.warn({ err, orderId: row.order_id }, 'late delivery not flagged; the next sweep tries again');
      }
    }
    // Delivered, or given a new window: forgotten here, so the memory holds only what is late now.
    for (const key of this.flaggedLate) if (!stillLate.has(key)) this.flaggedLate.delete(key);
  }

  private async settingsFor(shopId: string): Promise<ShopEtaSettings> {
    const own = await this.shopSettings(shopId, this.dataSource.manager);
    return {
      atRiskMarginMinutes: own.atRiskMarginMinutes ?? this.config.DISPATCH_AT_RISK_MARGIN_MINUTES,
      serviceMinutes: own.serviceMinutes ?? this.config.DISPATCH_SERVICE_MINUTES,
      depot: own.depot,
      timeZone: own.timeZone ?? this.config.DISPATCH_TIME_ZONE,
    };
  }


  /** One estimate run at a time per replica: a sweep and a rider's refresh never race each other's appends. */
  private exclusively(work: () => Promise<void>): Promise<void> {
    const run = (this.running ?? Promise.resolve()).then(work).catch((err: unknown) => this.logger.warn({ err }, 'ETA work failed; the next sweep tries again'));
    this.running = run;
    return run;
  }
}

function toEtaStop(row: OpenStopRow): EtaStop {
  return {
    orderId: row.order_id,
    location: row.address_lat !== null && row.address_lng !== null ? { lat: row.address_lat, lng: row.address_lng } : null,
    windowFrom: row.window_from.getTime(),
    windowTo: row.window_to.getTime(),
    onBoard: row.status === 'out_for_delivery',
    plannedArrival: row.planned_arrival?.getTime(),
  };
}
