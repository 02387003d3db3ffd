import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** Offsets `from` (inclusive) to `to` (exclusive) of one partition. */
export interface PartitionRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

export interface ReadMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface ReadRangesOptions {
  /** Names the reader's throwaway group, which is deleted once read: `<prefix>.<random>`. */
  groupPrefix: string;
  /** What has arrived by then is answered, even if a range is not complete. */
  timeoutMs?: number;
}

/**
 * Reads offset ranges of partitions once, committing nothing. kafkajs has no assign(): a consumer
 * always joins a group, so this one joins a group of its own, seeks each partition to its range
 * and deletes the group when done. Offsets outside the ranges that a first fetch brings are dropped.
 */
export async function readRanges(
  kafka: Kafka,
  ranges: readonly PartitionRange[],
  { groupPrefix, timeoutMs = 10_000 }: ReadRangesOptions,
): Promise<ReadMessage[]> {
  const wanted = ranges.filter((range) => range.from < range.to);
  if (wanted.length === 0) return [];
  const groupId = `${groupPrefix}.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const rangeOf = (topic: string, partition: number) => wanted.find((r) => r.topic === topic && r.partition === partition);
  const read = new Map<string, ReadMessage>();
  const complete = new Set<PartitionRange>();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const timer = setTimeout(finish, timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(wanted.map((r) => r.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch }) => {
        const range = rangeOf(batch.topic, batch.partition);
        if (!range) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < range.from || offset >= range.to) continue;
          read.set(`${batch.topic}:${batch.partition}:${message.offset}`, { topic: batch.topic, partition: batch.partition, message });
          // Dead-letter topics are written without transactions, so their offsets have no gaps.
          if (offset === range.to - 1n) complete.add(range);
        }
        if (complete.size === wanted.length) finish();
      },
    });
    for (const range of wanted) consumer.seek({ topic: range.topic, partition: range.partition, offset: range.from.toString() });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
  return [...read.values()].sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)),
  );
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // A group left behind holds no offsets (nothing was committed) and the broker expires it.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
