import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AccessTokenSigner, generateSigningKey } from '@petalpost/auth';
import { allTopics, namespaced, TOPICS } from '@petalpost/contracts';
import { productionEnv, runResources, startBuiltService } from '../lib/built-service';
import { type BundleFigures, bundleFigures } from '../lib/bundle';
import type { BenchContext } from '../lib/context';
import { repoRoot } from '../lib/infra';
import { mergeSamples, type PhaseResult, processTreeCpuMs, runSlice, type Sample, say, wallNow } from '../lib/measure';
import { KafkaWatch } from '../messaging/kafka-watch';
import { DISPATCH_MAIN } from './locations';

export interface RiderSection {
  riders: number;
  batchSize: number;
  /** Measured seconds per protocol (two windows each), after `warmupSeconds` of warm-up. */
  seconds: number;
  warmupSeconds: number;
  /** The rider app's protocol: `batchSize` positions with ids per POST /riders/me/positions. */
  batched: PhaseResult;
  /** The baseline: one position (with its id) per request. */
  single: PhaseResult;
  /** Each phone's last batches sent again afterwards, as a phone that lost the 202: how many came back `duplicate`. */
  replay: { batches: number; reports: number; duplicates: number; accepted: number };
  /** Accepted reports → `riders.locations` (both phases, warm-up included; none of the replay). */
  topic: { accepted: number; missing: number; duplicates: number };
  serviceCores: { batched: number; single: number };
  /** The rider app's build (dist/rider): what a phone loads before the first screen. */
  bundle: BundleFigures;
}

/**
 * The rider app's position protocol against the built dispatch service (its own process, as in
 * production): each of `riders` simulated phones posts batches of `batchSize` positions, each with
 * its own id, in a closed loop; then, in the same run and turns, one position per request. Reports
 * per second are the measure (a batch counts its reports). Each phone's last batches are then sent
 * again, and must come back all `duplicate`; a kafkajs consumer counts what reached `riders.locations`.
 */
export async function riderSection(
  ctx: BenchContext,
  options: { riders: number; batchSize: number; seconds: number; warmupSeconds: number },
): Promise<RiderSection> {
  const { infra } = ctx;
  const { riders, batchSize } = options;
  const namespace = `bench-rider-${process.pid}`;
  const schema = infra.embeddedPostgres ? 'bench_rider' : `bench_rider_${process.pid}`;
  const { cleanUp } = await runResources(infra, { topics: allTopics(namespace), schemas: [schema] });
  const signingKey = generateSigningKey();
  const service = await startBuiltService({
    name: 'dispatch',
    entry: process.env.BENCH_RIDER_MAIN ?? DISPATCH_MAIN,
    logName: 'rider-dispatch',
    env: productionEnv(infra, { schema, namespace, signingKey, logLevel: 'info' }),
  }).catch(async (err: unknown) => {
    await cleanUp();
    throw err;
  });
  const topic = namespaced(TOPICS.riderLocations.name, namespace);
  const keyOf = (riderId: string, recordedAt: string) => `${riderId}|${recordedAt}`;
  const watch = await KafkaWatch.start(infra.brokers, [topic], `${namespace}.watch`, (_topic, value) => {
    const p = value as unknown as { riderId?: string; recordedAt?: string };
    return p.riderId && p.recordedAt ? keyOf(p.riderId, p.recordedAt) : undefined;
  });
  try {
    const tokens = new AccessTokenSigner(signingKey);
    // One phone per worker: a rider's reports go one request at a time, as the app sends them.
    const riderIds = Array.from({ length: riders }, (_, i) => `phone-${i + 1}`);
    const auth = riderIds.map((sub) => `Bearer ${tokens.sign({ role: 'rider', sub, shopId: 's1' })}`);
    const lastAt = new Array<number>(riders).fill(0);
    const nextTime = (rider: number) => (lastAt[rider] = Math.max(Math.floor(wallNow()), lastAt[rider] + 1));
    const accepted = new Set<string>();
    const sentBatches: Array<{ rider: number; positions: unknown[] }> = [];

    const post = async (rider: number, positions: Array<{ recordedAt: string }>, keep: boolean) => {
      const response = await fetch(`${service.url}/riders/me/positions`, {
        method: 'POST',
        headers: { authorization: auth[rider], 'content-type': 'application/json' },
        body: JSON.stringify({ positions }),
      });
      const body = (await response.json()) as { accepted?: number; dropped?: Array<{ reason: string }> };
      if (response.status !== 202) throw new Error(`answered ${response.status}: ${JSON.stringify(body)}`);
      if (keep) {
        if (body.accepted !== positions.length) throw new Error(`kept ${body.accepted} of ${positions.length}: ${JSON.stringify(body.dropped)}`);
        for (const p of positions) accepted.add(keyOf(riderIds[rider], p.recordedAt));
      }
      return body;
    };
    const reports = (rider: number, n: number) =>
      Array.from({ length: n }, () => ({
        id: randomUUID(),
        lat: 52.09 + rider / 10_000,
        lng: 5.12,
        accuracy: 8,
        speed: 4.2,
        heading: 90,
        recordedAt: new Date(nextTime(rider)).toISOString(),
      }));
    const batchedOp = async (rider: number) => {
      const positions = reports(rider, batchSize);
      await post(rider, positions, true);
      sentBatches.push({ rider, positions });
      return batchSize;
    };
    const singleOp = async (rider: number) => {
      await post(rider, reports(rider, 1), true);
      return 1;
    };

    // The two take turns in four windows (A B B A), so load from elsewhere falls on both alike.
    const half = (options.seconds * 1000) / 2;
    const warmupMs = options.warmupSeconds * 1000;
    const slices: Record<'batched' | 'single', Sample[]> = { batched: [], single: [] };
    const cpu: Record<'batched' | 'single', number> = { batched: 0, single: 0 };
    const order: Array<'batched' | 'single'> = ['batched', 'single', 'single', 'batched'];
    for (const [i, which] of order.entries()) {
      say(`  ${which === 'batched' ? `batches of ${batchSize}` : 'single reports'}, ${riders} phones, window ${i + 1}/4 …`);
      const before = processTreeCpuMs(service.pid) ?? 0;
      const first = order.indexOf(which) === i;
      const w = first ? warmupMs : 0;
      slices[which].push(
        await runSlice({ name: which, concurrency: riders, warmupMs: w, durationMs: half, serverPid: infra.postgresPid }, (worker) =>
          which === 'batched' ? batchedOp(worker) : singleOp(worker),
        ),
      );
      cpu[which] += ((processTreeCpuMs(service.pid) ?? 0) - before) / (w + half);
    }

    say(`  replaying each phone's last ${REPLAYED_PER_PHONE} batches, as phones that lost the answer …`);
    const replay = { batches: 0, reports: 0, duplicates: 0, accepted: 0 };
    const byRider = new Map<number, unknown[][]>();
    for (const b of sentBatches) byRider.set(b.rider, [...(byRider.get(b.rider) ?? []), b.positions]);
    await Promise.all(
      [...byRider].map(async ([rider, batches]) => {
        for (const positions of batches.slice(-REPLAYED_PER_PHONE)) {
          const body = await post(rider, positions as Array<{ recordedAt: string }>, false);
          replay.batches++;
          replay.reports += positions.length;
          replay.accepted += body.accepted ?? 0;
          replay.duplicates += (body.dropped ?? []).filter((d) => d.reason === 'duplicate').length;
        }
      }),
    );

    await watch.awaitAll(accepted, 30_000);
    let missing = 0;
    let duplicates = 0;
    for (const key of accepted) {
      if (!watch.firstSeen.has(key)) missing++;
      duplicates += Math.max(0, (watch.times.get(key) ?? 0) - 1);
    }
    return {
      riders,
      batchSize,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      batched: mergeSamples(slices.batched),
      single: mergeSamples(slices.single),
      replay,
      topic: { accepted: accepted.size, missing, duplicates },
      serviceCores: { batched: cpu.batched / 2, single: cpu.single / 2 },
      bundle: bundleFigures(join(repoRoot, 'dist', 'rider'), '/rider/'),
    };
  } finally {
    await watch.stop();
    await service.stop();
    await cleanUp();
  }
}

/** Enough to show a replay is refused whole, without making the section long. */
const REPLAYED_PER_PHONE = 10;
