import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, PeriodicTask, runAlone, SERVICE_CONFIG } from '@petalpost/platform';
import { type GeoPoint, offlineTravelTimes, type TravelTimes } from '@petalpost/route-planning';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { EventStore, runCommand } from '@petalpost/event-store';
import type { DispatchConfig } from '../dispatch.config';
import { deliveryDecider, deliveryStream } from '../deliveries/domain/delivery.decider';
import { estimateArrivals, type EtaStop } from './domain/eta';
import { clockMinute } from '../shared/domain/shop-clock';
import { lateDeliveries, type OpenDelivery, openDeliveriesOf, ridersWithOpenDeliveries } from '../deliveries/deliveries.queries';
import { type PlannedStop, plannedStopsOf } from '../planning/plans.queries';
import { RiderPositionsStore } from '../positions/rider-positions.store';
import { vehicleOf } from '../riders/riders.queries';

/** An open delivery with a rider, as the board and the applied plan know it. */
type OpenStop = OpenDelivery & { planned?: PlannedStop };

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
  private readonly sweeps: PeriodicTask;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SHOP_ETA_SETTINGS) private readonly shopSettings: ShopEtaSettingsLookup,
    private readonly positions: RiderPositionsStore,
  ) {
    positions.onKept((rider) => this.riderChanged(rider.shopId, rider.riderId));
    this.sweeps = new PeriodicTask(
      {
        name: 'eta-sweep',
        everyMs: config.ETA_REFRESH_SECONDS * 1000,
        pass: () => this.exclusively(() => this.sweep()),
        failure: 'ETA sweep failed; the next one tries again',
      },
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.sweeps.stop();
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
      for (const rider of await ridersWithOpenDeliveries(db)) await this.estimate(rider, now);
      await this.flagLate(now);
    });
  }

  /** Re-estimates one rider's open stops now. */
  async estimate(rider: { shopId: string; riderId: string }, now = new Date()): Promise<void> {
    try {
      const stops = await this.openStopsOf(rider);
      if (stops.length === 0) return;
      const position = await this.positions.latest(rider);
      const vehicle = await vehicleOf(this.dataSource, rider.riderId);
      const settings = await this.settingsFor(rider.shopId);
      const etas = estimateArrivals({
        now: now.getTime(),
        position: position ? { lat: position.lat, lng: position.lng } : null,
        depot: settings.depot,
        // A rider dispatch has no profile for is planned as the slowest vehicle, never as a car.
        profile: vehicle ?? 'bicycle',
        serviceMinutes: settings.serviceMinutes,
        stops: stops.map(toEtaStop),
        travel: this.travel,
        minuteOfDay: (ms) => clockMinute(ms, settings.timeZone),
      });
      const byOrder = new Map(stops.map((s) => [s.orderId, s]));
      for (const { orderId, eta } of etas) {
        const stop = byOrder.get(orderId);
        if (!stop) continue;
        await runCommand(this.store, deliveryDecider, deliveryStream(orderId), {
          type: 'RecordEta',
          orderId,
          shopId: stop.shopId,
          riderId: stop.riderId,
          eta: new Date(eta).toISOString(),
          windowFrom: stop.windowFrom.toISOString(),
          windowTo: stop.windowTo.toISOString(),
          ...(stop.deadline ? { deadline: stop.deadline.toISOString() } : {}),
          marginMinutes: settings.atRiskMarginMinutes,
          now: now.toISOString(),
        });
      }
    } catch (err) {
      this.logger.warn({ err, riderId: rider.riderId, shopId: rider.shopId }, 'ETAs not re-estimated; the next sweep tries again');
    }
  }

  /**
   * A rider's open deliveries in the order they will be ridden: the applied plan's trips and stops
   * first, then what the plan does not give them, by window end.
   */
  private async openStopsOf(rider: { shopId: string; riderId: string }): Promise<OpenStop[]> {
    const open = await openDeliveriesOf(this.dataSource, rider);
    if (open.length === 0) return [];
    const planned = await plannedStopsOf(
      this.dataSource,
      rider.riderId,
      open.map((d) => d.orderId),
    );
    const stops: OpenStop[] = open.map((d) => ({ ...d, planned: planned.get(d.orderId) }));
    // Stable: deliveries outside the plan keep the board's order (window end, order id).
    return stops.sort((a, b) => {
      if (!a.planned || !b.planned) return Number(!a.planned) - Number(!b.planned);
      return a.planned.trip - b.planned.trip || a.planned.seq - b.planned.seq;
    });
  }

  private async flagLate(now: Date): Promise<void> {
    const late = await lateDeliveries(this.dataSource, now);
    const stillLate = new Set<string>();
    for (const row of late) {
      const windowTo = row.windowTo.toISOString();
      const key = `${row.orderId}@${windowTo}`;
      stillLate.add(key);
      // Flagged already (by this replica): a late order stays late all day, its stream need not be read each sweep.
      if (this.flaggedLate.has(key)) continue;
      try {
        await runCommand(this.store, deliveryDecider, deliveryStream(row.orderId), {
          type: 'RecordLate',
          orderId: row.orderId,
          shopId: row.shopId,
          riderId: row.riderId ?? undefined,
          windowTo,
          now: now.toISOString(),
        });
        this.flaggedLate.add(key);
      } catch (err) {
        this.logger.warn({ err, orderId: row.orderId }, 'late delivery not flagged; the next sweep tries again');
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
    const run = (this.running ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => this.logger.warn({ err }, 'ETA work failed; the next sweep tries again'));
    this.running = run;
    return run;
  }
}

function toEtaStop(stop: OpenStop): EtaStop {
  return {
    orderId: stop.orderId,
    location: stop.destination,
    windowFrom: stop.windowFrom.getTime(),
    windowTo: stop.windowTo.getTime(),
    onBoard: stop.status === 'out_for_delivery',
    plannedArrival: stop.planned?.arriveAt.getTime(),
  };
}
