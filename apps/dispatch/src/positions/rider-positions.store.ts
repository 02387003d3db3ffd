import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { namespaced, type RiderPosition, TOPICS } from '@petalpost/contracts';
import { EventPublisher, HEADERS, KAFKA, type OutgoingMessage } from '@petalpost/kafka';
import { currentContext, LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from '../dispatch.config';
import { type PositionLimits, type ReportedPosition, type ScreenedPositions, screenPositions } from './domain/rider-position.screen';

export interface RiderRef {
  shopId: string;
  riderId: string;
}

export interface StoredPosition extends RiderPosition {
  accuracy: number;
  receivedAt: string;
}

interface PositionRow {
  shop_id: string;
  rider_id: string;
  lat: number;
  lng: number;
  accuracy: number;
  speed: number | null;
  heading: number | null;
  recorded_at: Date;
  received_at: Date;
}

const COLUMNS = 'shop_id, rider_id, lat, lng, accuracy, speed, heading, recorded_at, received_at';

/**
 * Keeps what a rider's phone reports: screens it (domain/rider-position.screen.ts), records the kept
 * positions as the rider's latest and on their trail in one transaction, then produces each to
 * riders.locations keyed by rider id, one produce request at a time.
 */
@Injectable()
export class RiderPositionsStore implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly publisher: EventPublisher;
  private readonly topic: string;
  private readonly limits: PositionLimits;
  /** Kept positions not yet produced: one produce request at a time carries all that waited. */
  private unpublished: OutgoingMessage[] = [];
  private producing?: Promise<void>;
  private readonly keptListeners: Array<(rider: RiderRef) => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.publisher = new EventPublisher(kafka);
    this.topic = namespaced(TOPICS.riderLocations.name, config.KAFKA_NAMESPACE);
    this.limits = {
      maxAccuracyMeters: config.RIDER_POSITION_MAX_ACCURACY_METERS,
      maxFutureSkewMs: config.RIDER_POSITION_MAX_FUTURE_SKEW_SECONDS * 1000,
      maxAgeMs: config.RIDER_POSITION_MAX_AGE_SECONDS * 1000,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.producing;
    await this.publisher.disconnect();
  }

  /** Told after a rider's new positions committed (ETAs follow the rider). */
  onKept(listener: (rider: RiderRef) => void): void {
    this.keptListeners.push(listener);
  }

  async report(rider: RiderRef, reported: readonly ReportedPosition[], now: Date): Promise<ScreenedPositions> {
    const screened = await this.dataSource.transaction(async (db) => {
      // One request of a rider at a time: two racing requests would each judge order against a stale
      // last position. The guarded upsert below holds even without it.
      await db.query(`SELECT pg_advisory_xact_lock(hashtext('rider-position:' || $1 || ':' || $2))`, [rider.shopId, rider.riderId]);
      // The rider's last kept time and which of these reports were kept before, in one round trip.
      const ids = reported.flatMap((p) => (p.id !== undefined ? [p.id.toLowerCase()] : []));
      const [{ last, kept_ids }] = await db.query<Array<{ last: Date | null; kept_ids: string[] }>>(
        `SELECT (SELECT recorded_at FROM rider_latest_positions WHERE shop_id = $1 AND rider_id = $2) AS last,
                ARRAY(SELECT position_id::text FROM rider_position_trail WHERE shop_id = $1 AND rider_id = $2 AND position_id = ANY($3::uuid[])) AS kept_ids`,
        [rider.shopId, rider.riderId, ids],
      );
      const result = screenPositions(reported, last?.toISOString(), now.toISOString(), this.limits, new Set(kept_ids));
      if (result.accepted.length === 0) return result;

      const accepted = result.accepted;
      await db.query(
        `INSERT INTO rider_position_trail (shop_id, rider_id, recorded_at, lat, lng, accuracy, speed, heading, received_at, position_id)
         SELECT $1, $2, t.recorded_at, t.lat, t.lng, t.accuracy, t.speed, t.heading, $3, t.position_id
           FROM unnest($4::timestamptz[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::uuid[])
             AS t(recorded_at, lat, lng, accuracy, speed, heading, position_id)
         ON CONFLICT DO NOTHING`,
        [
          rider.shopId,
          rider.riderId,
          now,
          accepted.map((p) => p.recordedAt),
          accepted.map((p) => p.lat),
          accepted.map((p) => p.lng),
          accepted.map((p) => p.accuracy),
          accepted.map((p) => p.speed ?? null),
          accepted.map((p) => p.heading ?? null),
          accepted.map((p) => p.id ?? null),
        ],
      );
      const newest = accepted[accepted.length - 1];
      await db.query(
        `INSERT INTO rider_latest_positions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (shop_id, rider_id) DO UPDATE SET
           lat = EXCLUDED.lat, lng = EXCLUDED.lng, accuracy = EXCLUDED.accuracy, speed = EXCLUDED.speed,
           heading = EXCLUDED.heading, recorded_at = EXCLUDED.recorded_at, received_at = EXCLUDED.received_at
         WHERE rider_latest_positions.recorded_at < EXCLUDED.recorded_at`,
        [rider.shopId, rider.riderId, newest.lat, newest.lng, newest.accuracy, newest.speed ?? null, newest.heading ?? null, newest.recordedAt, now],
      );
      return result;
    });
    this.publish(rider, screened.accepted);
    if (screened.accepted.length > 0) for (const listener of this.keptListeners) listener(rider);
    return screened;
  }

  /** The rider's latest position in this shop; undefined when the shop has never heard of them. */
  async latest(rider: RiderRef): Promise<StoredPosition | undefined> {
    const [row] = await this.dataSource.query<PositionRow[]>(`SELECT ${COLUMNS} FROM rider_latest_positions WHERE shop_id = $1 AND rider_id = $2`, [
      rider.shopId,
      rider.riderId,
    ]);
    return row ? positionOf(row) : undefined;
  }

  /** The rider's trail, oldest first, from `since` (exclusive) on. */
  async trail(rider: RiderRef, since: Date | undefined, limit: number): Promise<StoredPosition[]> {
    const rows = await this.dataSource.query<PositionRow[]>(
      `SELECT ${COLUMNS} FROM rider_position_trail
        WHERE shop_id = $1 AND rider_id = $2 AND ($3::timestamptz IS NULL OR recorded_at > $3)
        ORDER BY recorded_at LIMIT $4`,
      [rider.shopId, rider.riderId, since ?? null, limit],
    );
    return rows.map(positionOf);
  }

  /**
   * After the commit, without making the phone wait: the producer sends one request at a time (it
   * is idempotent, so in order), and whatever was kept meanwhile goes in the next one. A position
   * lost here is superseded by the rider's next within seconds; past MAX_UNPUBLISHED (a broker
   * down) the oldest are let go.
   */
  private publish(rider: RiderRef, kept: readonly ReportedPosition[]): void {
    if (kept.length === 0) return;
    const correlationId = currentContext()?.correlationId;
    for (const p of kept) {
      const value: RiderPosition = {
        riderId: rider.riderId,
        shopId: rider.shopId,
        lat: p.lat,
        lng: p.lng,
        accuracy: p.accuracy,
        ...(p.speed !== undefined ? { speed: p.speed } : {}),
        ...(p.heading !== undefined ? { heading: p.heading } : {}),
        recordedAt: new Date(p.recordedAt).toISOString(),
      };
      this.unpublished.push({ key: rider.riderId, value, ...(correlationId ? { headers: { [HEADERS.correlationId]: correlationId } } : {}) });
    }
    const excess = this.unpublished.length - MAX_UNPUBLISHED;
    if (excess > 0) {
      this.unpublished.splice(0, excess);
      this.logger.warn({ dropped: excess }, 'rider positions kept but not published: the producer is behind');
    }
    this.producing ??= this.produce();
  }

  private async produce(): Promise<void> {
    while (this.unpublished.length > 0) {
      const batch = this.unpublished;
      this.unpublished = [];
      try {
        await this.publisher.send(this.topic, batch);
      } catch (err) {
        this.logger.warn({ err, positions: batch.length }, 'rider positions kept but not published');
      }
    }
    this.producing = undefined;
  }
}

/** About a minute of reports from a few thousand riders: more means the broker is down. */
const MAX_UNPUBLISHED = 50_000;

function positionOf(row: PositionRow): StoredPosition {
  return {
    riderId: row.rider_id,
    shopId: row.shop_id,
    lat: row.lat,
    lng: row.lng,
    accuracy: row.accuracy,
    ...(row.speed !== null ? { speed: row.speed } : {}),
    ...(row.heading !== null ? { heading: row.heading } : {}),
    recordedAt: row.recorded_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
  };
}
