/**
 * The little of a Kafka client that our code and the client conformance need, in our own types:
 * kafkajs and @platformatic/kafka each sit behind it as a thin adapter, so the two can be run
 * through the same cases and benchmarks and one swapped for the other without touching callers.
 */

export type KafkaClientName = 'kafkajs' | 'platformatic';

export interface KafkaDriver {
  readonly client: KafkaClientName;
  /** A connected admin client; close() it when done. */
  admin(): Promise<DriverAdmin>;
  /** An idempotent producer: acks=all, one request in flight, never creates a topic. */
  producer(options?: ProducerOptions): DriverProducer;
  /** An idempotent producer whose sends go through transactions under `transactionalId`. */
  transactionalProducer(transactionalId: string): DriverTransactionalProducer;
  consumer(options: GroupConsumerOptions): DriverConsumer;
}

/** How hard a producer tries before send() rejects: bounded, so a caller learns the broker is gone. */
export interface ProducerOptions {
  /** Attempts after the first (default: the client's own default). */
  retries?: number;
  /** The first pause between attempts; clients grow it from there. */
  retryDelayMs?: number;
  /** How long one request (or connection attempt) may take. */
  requestTimeoutMs?: number;
}

export interface TopicToCreate {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

export interface ClusterDescription {
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
}

/** A partition's position: for commits and watermarks, the offset of the next message. */
export interface PartitionOffset {
  partition: number;
  offset: bigint;
}

export interface DriverAdmin {
  describeCluster(): Promise<ClusterDescription>;
  /** Creates the topics (auto-create is off on our brokers) and resolves once each has a leader. */
  createTopics(topics: readonly TopicToCreate[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** The topic's partition ids, ascending. */
  partitions(topic: string): Promise<number[]>;
  /** One config value of a topic as the broker reports it. */
  topicConfig(topic: string, name: string): Promise<string | undefined>;
  /** Per partition, the offset the next produced message will get (ascending by partition). */
  highWatermarks(topic: string): Promise<PartitionOffset[]>;
  /** Per partition of the topic, the group's committed offset, or null where it never committed. */
  committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: bigint | null }[]>;
  close(): Promise<void>;
}

/** Header values go out as given (a string as UTF-8); a repeated header is an array. */
export type OutgoingHeaders = Record<string, string | Buffer | (string | Buffer)[]>;

export interface OutgoingRecord {
  /** Records with one key land on one partition (murmur2, as the Java client), in order. */
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: OutgoingHeaders;
}

export interface DriverProducer {
  connect(): Promise<void>;
  /** Resolves once every in-sync replica has every record (acks=all); rejects once retries are spent. */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface DriverTransactionalProducer {
  connect(): Promise<void>;
  begin(): Promise<DriverTransaction>;
  disconnect(): Promise<void>;
}

export interface DriverTransaction {
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  /** Commits, with the transaction, `consumer`'s group offsets past each of these consumed records. */
  sendOffsets(consumer: DriverConsumer, consumed: readonly IncomingRecord[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  /** Header values decoded as UTF-8; of a repeated header, the last one. */
  headers: Record<string, string>;
}

export interface GroupConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts: the beginning of the log, else its end. */
  fromBeginning: boolean;
  /** Skip messages of open and aborted transactions (isolation level read_committed). */
  readCommitted?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** How long a fetch waits for new messages. */
  maxWaitTimeMs?: number;
}

/** Messages of one partition as one fetch brought them, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: IncomingRecord[];
}

export interface BatchControl {
  /** Commits the group's offset past `record` (one of this batch's), now. */
  commit(record: IncomingRecord): Promise<void>;
  /** True once the consumer is stopping or the partition may no longer be ours: leave the batch. */
  shouldLeave(): boolean;
}

/**
 * Runs once per fetched batch of one partition; nothing is committed unless it says so. Once it
 * returns, fetching goes on after the batch (what was not committed comes back only after a
 * restart or a rebalance). A handler should not throw: there the clients differ (kafkajs restarts the
 * consumer and fetches the batch again; the platformatic adapter stops fetching and keeps the error).
 */
export type BatchHandler = (batch: PartitionBatch, control: BatchControl) => Promise<void>;

export interface DriverConsumer {
  readonly groupId: string;
  /** Joins the group and resolves once it is a member; batches are handled in the background. */
  start(handle: BatchHandler): Promise<void>;
  /** Lets the batch in hand finish, leaves the group. Idempotent. */
  stop(): Promise<void>;
  /** The last error that ended fetching, if any. */
  readonly error?: unknown;
}
