import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, PgListener, type Processor, ProcessorRegistry, type ProcessorStatus, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RiderPositions } from '../positions';
import type { TrackedOrder } from './domain/tracked-order.evolve';
import { findTrackedOrders, messagesOfOrder, trackingChannel } from './tracked-orders.store';
import type { TrackingServiceConfig } from './tracking.config';
import { isLinkExpired, type RiderPosition, riderViewOf, type TrackingView, trackingViewOf } from './domain/tracking-view';
import { usableLinkIds } from './tracking-links.store';

/** A rider moves every few seconds; a phone on a slow network needs no more than one position a second. */
export const POSITION_INTERVAL_MS = 1_000;

export type Push = (event: 'state' | 'position', data: unknown) => void;

interface Watcher {
  order: TrackedOrder;
  /** The tracking link the page was opened with: withdrawn or ended, the stream is closed. */
  linkId: string;
  send: Push;
  end: () => void;
  riderKey?: string;
  lastPositionAt: number;
  positionTimer?: NodeJS.Timeout;
}

/**
 * Live updates for open tracking pages. The projection announces each changed order on a Postgres
 * channel in its transaction; every replica LISTENs (on its one PgListener connection), so a page
 * connected to any replica hears of a change whichever replica's consumer made it. Positions come from this replica's own copy of
 * riders.locations and are coalesced per page.
 */
@Injectable()
export class TrackingHub implements Processor, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly name = 'postgres:tracking-changes';
  private readonly channel: string;
  private readonly log: Logger;
  private readonly byOrder = new Map<string, Set<Watcher>>();
  private readonly byRider = new Map<string, Set<Watcher>>();
  private readonly turns = new Map<string, Promise<void>>();
  private readonly waiting = new Set<string>();
  private lastNotificationAt?: Date;
  private readonly stopPositions: () => void;
  private readonly stopListening: Array<() => void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly positions: RiderPositions,
    @Inject(SERVICE_CONFIG) private readonly config: TrackingServiceConfig,
    @Inject(LOGGER) logger: Logger,
    registry: ProcessorRegistry,
    private readonly listener: PgListener,
  ) {
    this.channel = trackingChannel(config.DATABASE_SCHEMA);
    this.log = logger.child({ processor: this.name });
    this.stopPositions = positions.onPosition((position) => this.riderMoved(position));
    this.stopListening = [
      listener.subscribe(this.channel, (orderId) => {
        this.lastNotificationAt = new Date();
        if (orderId) void this.changed(orderId);
      }),
      // Changes announced while no one listened are lost: every open page is refreshed once listening again.
      listener.onResume(() => {
        for (const orderId of this.byOrder.keys()) void this.changed(orderId);
      }),
    ];
    registry.register(this);
  }

  /** Open streams would hold the HTTP server open: end them (the pages reconnect to another replica). */
  beforeApplicationShutdown(): void {
    for (const watchers of this.byOrder.values()) for (const watcher of watchers) watcher.end();
  }

  onApplicationShutdown(): void {
    this.stopPositions();
    for (const stop of this.stopListening) stop();
    for (const watchers of this.byOrder.values()) for (const watcher of watchers) clearTimeout(watcher.positionTimer);
  }

  /** The page's view of an order now: the row, the customer's messages, the rider's latest position. */
  async viewOf(order: TrackedOrder): Promise<TrackingView> {
    const messages = await messagesOfOrder(this.dataSource, order.orderId);
    return trackingViewOf(order, {
      graceHours: this.config.TRACKING_GRACE_HOURS,
      photosServed: this.config.TRACKING_PHOTO_BASE_URL !== undefined,
      position: this.positionFor(order),
      messages,
    });
  }

  /**
   * Sends the current view, then every change of the order and every move of its rider, until the
   * returned function is called, or `end` when the service stops or the link no longer works.
   */
  async watch(order: TrackedOrder, linkId: string, send: Push, end: () => void): Promise<() => void> {
    const watcher: Watcher = { order, linkId, send, end, lastPositionAt: 0 };
    const stop = () => {
      clearTimeout(watcher.positionTimer);
      remove(this.byOrder, order.orderId, watcher);
      if (watcher.riderKey) remove(this.byRider, watcher.riderKey, watcher);
    };
    // Registered before the row is read, so a change in between is not missed.
    add(this.byOrder, order.orderId, watcher);
    try {
      await this.inTurn(order.orderId, async () => {
        const [current] = await findTrackedOrders(this.dataSource, [order.orderId]);
        this.reindex(watcher, current ?? order);
        send('state', await this.viewOf(watcher.order));
      });
    } catch (err) {
      stop();
      throw err;
    }
    return stop;
  }

  /** An order changed (announced by the projection, or a customer's message was stored). */
  async changed(orderId: string): Promise<void> {
    // One refresh waiting is enough, however many changes are announced meanwhile: it reads the row when its turn comes.
    if (!this.byOrder.has(orderId) || this.waiting.has(orderId)) return;
    this.waiting.add(orderId);
    try {
      await this.inTurn(orderId, async () => {
        this.waiting.delete(orderId);
        await this.refresh(orderId);
      });
    } catch (err) {
      this.waiting.delete(orderId);
      this.log.warn({ err, orderId }, 'could not refresh tracking pages');
    }
  }

  watching(): number {
    let count = 0;
    for (const watchers of this.byOrder.values()) count += watchers.size;
    return count;
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.listener.listening,
      lastProgressAt: this.lastNotificationAt?.toISOString(),
      details: { channel: this.channel, pages: this.watching() },
    };
  }

  private async refresh(orderId: string): Promise<void> {
    const watchers = this.byOrder.get(orderId);
    if (!watchers) return;
    const [order] = await findTrackedOrders(this.dataSource, [orderId]);
    if (!order) return;
    // A withdrawn link is announced like a change of its order: its pages are closed, on every replica.
    const now = new Date();
    const usable = isLinkExpired(order, this.config.TRACKING_GRACE_HOURS, now)
      ? new Set<string>()
      : await usableLinkIds(this.dataSource, [...new Set([...watchers].map((w) => w.linkId))], now);
    const view = await this.viewOf(order);
    for (const watcher of watchers) {
      if (!usable.has(watcher.linkId)) {
        watcher.end();
        continue;
      }
      this.reindex(watcher, order);
      watcher.send('state', view);
    }
  }

  /** Reads and pushes of one order take turns, so an older view never overtakes a newer one. */
  private inTurn(orderId: string, work: () => Promise<void>): Promise<void> {
    const turn = (this.turns.get(orderId) ?? Promise.resolve()).then(work);
    const settled = turn.catch(() => undefined);
    this.turns.set(orderId, settled);
    void settled.then(() => {
      if (this.turns.get(orderId) === settled) this.turns.delete(orderId);
    });
    return turn;
  }

  private reindex(watcher: Watcher, order: TrackedOrder): void {
    if (watcher.riderKey) remove(this.byRider, watcher.riderKey, watcher);
    watcher.order = order;
    watcher.riderKey = order.status === 'out_for_delivery' && order.riderId ? riderKey(order.shopId, order.riderId) : undefined;
    if (watcher.riderKey) add(this.byRider, watcher.riderKey, watcher);
  }

  private positionFor(order: TrackedOrder): RiderPosition | undefined {
    return order.riderId ? this.positions.of(order.shopId, order.riderId) : undefined;
  }

  private riderMoved(position: RiderPosition): void {
    for (const watcher of this.byRider.get(riderKey(position.shopId, position.riderId)) ?? []) {
      if (watcher.positionTimer) continue;
      // The latest position when the timer fires: a burst of fixes becomes one push.
      const wait = Math.max(0, watcher.lastPositionAt + POSITION_INTERVAL_MS - Date.now());
      watcher.positionTimer = setTimeout(() => {
        watcher.positionTimer = undefined;
        watcher.lastPositionAt = Date.now();
        watcher.send('position', { rider: riderViewOf(watcher.order, this.positionFor(watcher.order)) });
      }, wait);
    }
  }
}

function riderKey(shopId: string, riderId: string): string {
  return `${shopId}\u0000${riderId}`;
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

function remove<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
