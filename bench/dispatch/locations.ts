import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccessTokenSigner, generateSigningKey } from '@petalpost/auth';
import { allTopics, namespaced, TOPICS } from '@petalpost/contracts';
import { productionEnv, runResources, startBuiltService } from '../lib/built-service';
import type { BenchContext } from '../lib/context';
import { repoRoot } from '../lib/infra';
import { percentile, type PhaseResult, processTreeCpuMs, runPhase, say, sortedCopy, wallNow } from '../lib/measure';
import { KafkaWatch } from '../messaging/kafka-watch';

/** The dispatch service as `npm run build` builds it from this tree. */
export const DISPATCH_MAIN = join(repoRoot, 'dist', 'apps', 'dispatch', 'src', 'main.js');

export interface LocationsSection {
  riders: number;
  concurrency: number;
  /** POST /riders/me/positions, one position per request: answered 202 once the latest-position row committed. */
  service: PhaseResult;
  /** The same rows written by the bench straight into PostgreSQL: the database's share alone. */
  raw: PhaseResult;
  /** Accepted position → on `riders.locations`, every accepted one (warm-up included). */
  topic: { p50Ms: number; p99Ms: number; accepted: number; missing: number; duplicates: number };
  serviceCores?: number;
}

/** `${riderId}|${recordedAt}`: what names one position on the topic and in the bench. */
const keyOf = (riderId: string, recordedAt: string) => `${riderId}|${recordedAt}`;

/**
 * Riders' phones reporting positions to the real dispatch service (built, in its own process, as
 * in production), one position per request in a closed loop; then the same rows written by the
 * bench straight into PostgreSQL (guarded upsert of the latest position + a trail row, one
 * transaction each) at the same concurrency, as the baseline of what the database alone allows.
 */
export async function locationsSection(ctx: BenchContext, options: { riders: number; concurrency: number }): Promise<LocationsSection> {
  const { infra } = ctx;
  const { riders, concurrency } = options;
  const namespace = `bench-locations-${process.pid}`;
  const schema = infra.embeddedPostgres ? 'bench_dispatch' : `bench_dispatch_${process.pid}`;
  const rawSchema = `${schema}_raw`;
  const { cleanUp } = await runResources(infra, { topics: allTopics(namespace), schemas: [schema, rawSchema] });
  const signingKey = generateSigningKey();
  const service = await startBuiltService({
    name: 'dispatch',
    entry: process.env.BENCH_LOCATIONS_MAIN ?? DISPATCH_MAIN,
    logName: 'locations-dispatch',
    env: productionEnv(infra, { schema, namespace, signingKey, logLevel: 'info' }),
  }).catch(async (err: unknown) => {
    await cleanUp();
    throw err;
  });
  const topic = namespaced(TOPICS.riderLocations.name, namespace);
  const watch = await KafkaWatch.start(infra.brokers, [topic], `${namespace}.watch`, (_topic, value) => {
    const position = value as unknown as { riderId?: string; recordedAt?: string };
    return position.riderId && position.recordedAt ? keyOf(position.riderId, position.recordedAt) : undefined;
  });
  try {
    const tokens = new AccessTokenSigner(signingKey);
    const riderIds = Array.from({ length: riders }, (_, i) => `rider-${i + 1}`);
    const auth = riderIds.map((sub) => `Bearer ${tokens.sign({ role: 'rider', sub, shopId: 's1' })}`);
    // Each rider's device time moves forward by at least a millisecond per report: nothing is out of order.
    const lastAt = new Array<number>(riders).fill(0);
    const nextTime = (rider: number) => (lastAt[rider] = Math.max(Math.floor(wallNow()), lastAt[rider] + 1));
    const riderOf = (worker: number, seq: number) => (worker + concurrency * seq) % riders;
    const sentAt = new Map<string, number>();

    say(`  dispatch service: ${riders} riders, ${concurrency} concurrent requests, one position each …`);
    const serviceCpuBefore = processCpu(service.pid);
    const servicePhase = await runPhase(
      { name: 'service', concurrency, warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, serverPid: infra.postgresPid },
      async (worker, seq) => {
        const rider = riderOf(worker, seq);
        const recordedAt = new Date(nextTime(rider)).toISOString();
        const key = keyOf(riderIds[rider], recordedAt);
        const started = performance.now();
        const response = await fetch(`${service.url}/riders/me/positions`, {
          method: 'POST',
          headers: { authorization: auth[rider], 'content-type': 'application/json' },
          body: JSON.stringify({ positions: [{ lat: 52.09 + rider / 10_000, lng: 5.12, accuracy: 8, speed: 4.2, heading: 90, recordedAt }] }),
        });
        const body = (await response.json()) as { accepted?: number; dropped?: unknown[] };
        if (response.status !== 202 || body.accepted !== 1) throw new Error(`answered ${response.status}: ${JSON.stringify(body)}`);
        sentAt.set(key, started);
        return 1;
      },
    );
    const serviceCpuMs = processCpu(service.pid) - serviceCpuBefore;

    // What reached the topic: every accepted position once, awaited until all arrived or none for 5 s.
    await watch.awaitAll(sentAt.keys(), 30_000);
    const latencies: number[] = [];
    let missing = 0;
    let duplicates = 0;
    for (const [key, sent] of sentAt) {
      const seen = watch.firstSeen.get(key);
      if (seen === undefined) missing++;
      else latencies.push(seen - sent);
      duplicates += Math.max(0, (watch.times.get(key) ?? 0) - 1);
    }
    const sorted = sortedCopy(latencies);

    say(`  raw SQL baseline: the same rows, ${concurrency} concurrent transactions …`);
    await infra.pool.query(`CREATE SCHEMA IF NOT EXISTS "${rawSchema}"`);
    await infra.pool.query(
      `CREATE TABLE IF NOT EXISTS "${rawSchema}".latest (shop_id text, rider_id text, lat float8, lng float8, recorded_at timestamptz, PRIMARY KEY (shop_id, rider_id))`,
    );
    await infra.pool.query(
      `CREATE TABLE IF NOT EXISTS "${rawSchema}".trail (shop_id text, rider_id text, lat float8, lng float8, recorded_at timestamptz, received_at timestamptz DEFAULT now())`,
    );
    const rawPhase = await runPhase(
      { name: 'raw', concurrency, warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, serverPid: infra.postgresPid },
      async (worker, seq) => {
        const rider = riderOf(worker, seq);
        const recordedAt = new Date(nextTime(rider)).toISOString();
        const client = await infra.pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO "${rawSchema}".latest VALUES ('s1', $1, $2, 5.12, $3) ON CONFLICT (shop_id, rider_id) DO UPDATE
               SET lat = EXCLUDED.lat, lng = EXCLUDED.lng, recorded_at = EXCLUDED.recorded_at WHERE latest.recorded_at < EXCLUDED.recorded_at`,
            [riderIds[rider], 52.09, recordedAt],
          );
          await client.query(`INSERT INTO "${rawSchema}".trail (shop_id, rider_id, lat, lng, recorded_at) VALUES ('s1', $1, $2, 5.12, $3)`, [
            riderIds[rider],
            52.09,
            recordedAt,
          ]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
        return 1;
      },
    );
    return {
      riders,
      concurrency,
      service: servicePhase,
      raw: rawPhase,
      topic: { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), accepted: sentAt.size, missing, duplicates },
      serviceCores: serviceCpuMs / (ctx.warmupMs + ctx.durationMs),
    };
  } finally {
    await watch.stop();
    await service.stop();
    await cleanUp();
  }
}

const processCpu = (pid: number): number => processTreeCpuMs(pid) ?? 0;
