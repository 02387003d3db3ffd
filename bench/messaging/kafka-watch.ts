import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';

/** What an event on a watched topic is, for the bench: a key it can match a request by, or nothing. */
export type KeyOf = (topic: string, event: { type: string; data: Record<string, unknown> }) => string | undefined;

/**
 * A plain kafkajs consumer in the bench process, reading the watched topics from their beginning
 * (they are this run's own): each event it has a key for is stamped with the moment its batch
 * reached the bench (performance.now(), the clock the requests are timed with).
 */
export class KafkaWatch {
  /** First arrival of each key. */
  readonly firstSeen = new Map<string, number>();
  /** The record's timestamp (the producing service's clock when it sent it, epoch ms) at its first arrival. */
  readonly producedAt = new Map<string, number>();
  /** How often each key arrived (more than once: a duplicate on the topic). */
  readonly times = new Map<string, number>();
  private lastArrival = performance.now();

  private constructor(private readonly stopConsumer: () => Promise<void>) {}

  static async start(brokers: string[], topics: string[], groupId: string, keyOf: KeyOf): Promise<KafkaWatch> {
    const consumer = new Kafka({ clientId: 'bench-messaging-watch', brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      rebalanceTimeout: 10_000,
    });
    const watch = new KafkaWatch(() => consumer.disconnect());
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const at = performance.now();
          for (const message of batch.messages) {
            const event = JSON.parse(String(message.value)) as { type: string; data: Record<string, unknown> };
            const key = keyOf(batch.topic, event);
            if (key !== undefined) watch.record(key, at, Number(message.timestamp));
          }
        },
      });
      await within(joined, 30_000, 'the bench consumer did not join its group within 30 s');
    } catch (err) {
      await consumer.disconnect();
      throw err;
    }
    return watch;
  }

  private record(key: string, at: number, producedAt: number): void {
    const n = this.times.get(key) ?? 0;
    this.times.set(key, n + 1);
    if (n === 0) {
      this.firstSeen.set(key, at);
      this.producedAt.set(key, producedAt);
    }
    this.lastArrival = at;
  }

  /**
   * Until every key in `owed` has arrived, or none arrived for `quietMs`, or `limitMs` passed:
   * answers how many are still missing.
   */
  async awaitAll(owed: Iterable<string>, limitMs: number, quietMs = 5_000): Promise<number> {
    const keys = [...owed];
    const deadline = performance.now() + limitMs;
    this.lastArrival = Math.max(this.lastArrival, performance.now());
    for (;;) {
      const missing = keys.reduce((n, k) => n + (this.firstSeen.has(k) ? 0 : 1), 0);
      const now = performance.now();
      if (missing === 0 || now >= deadline || now - this.lastArrival >= quietMs) return missing;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  stop(): Promise<void> {
    return this.stopConsumer();
  }
}

function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
