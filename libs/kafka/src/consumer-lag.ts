import type { Admin } from 'kafkajs';

interface PartitionOffsets {
  highWatermark?: bigint;
  committed?: bigint;
}

/**
 * Lag of the partitions assigned to one group member: high watermark − committed offset, summed.
 * Fed for free by every fetched batch and every commit; refresh() asks the broker (two requests
 * per topic) for partitions that have been quiet since the last assignment.
 */
export class ConsumerLag {
  private assignment: Record<string, number[]> = {};
  private partitions = new Map<string, PartitionOffsets>();

  assign(assignment: Record<string, number[]>): void {
    this.assignment = assignment;
    this.partitions = new Map();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) this.partitions.set(key(topic, partition), {});
    }
  }

  sawHighWatermark(topic: string, partition: number, highWatermark: string): void {
    const entry = this.partitions.get(key(topic, partition));
    if (entry) entry.highWatermark = max(entry.highWatermark, BigInt(highWatermark));
  }

  sawCommit(topic: string, partition: number, offset: string): void {
    const entry = this.partitions.get(key(topic, partition));
    if (entry) entry.committed = max(entry.committed, BigInt(offset));
  }

  /** undefined until at least one assigned partition is known on both ends. */
  total(): number | undefined {
    let total: bigint | undefined;
    for (const { highWatermark, committed } of this.partitions.values()) {
      if (highWatermark === undefined || committed === undefined) continue;
      const lag = highWatermark > committed ? highWatermark - committed : 0n;
      total = (total ?? 0n) + lag;
    }
    return total === undefined ? undefined : Number(total);
  }

  /** A group that never committed starts at the log's start (fromBeginning) or its end: its lag is measured from there. */
  async refresh(admin: Admin, groupId: string, fromBeginning: boolean): Promise<void> {
    const assignment = this.assignment;
    const topics = Object.keys(assignment).filter((topic) => assignment[topic].length > 0);
    if (topics.length === 0) return;
    const [ends, commits] = await Promise.all([
      Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
      admin.fetchOffsets({ groupId, topics }),
    ]);
    // A rebalance while asking: these numbers describe partitions we may no longer hold.
    if (assignment !== this.assignment) return;
    for (const { topic, partitions } of ends) {
      for (const { partition, high, low } of partitions) {
        this.sawHighWatermark(topic, partition, high);
        const committed = commits.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset;
        const start = committed !== undefined && BigInt(committed) >= 0n ? committed : fromBeginning ? low : high;
        this.sawCommit(topic, partition, start);
      }
    }
  }
}

function key(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

function max(current: bigint | undefined, next: bigint): bigint {
  return current === undefined || next > current ? next : current;
}
