import { deadLetterTopic } from '@petalpost/contracts';
import type { Logger, Processor, ProcessorRegistry, ProcessorStatus } from '@petalpost/platform';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ConsumerLag } from './consumer-lag';
import { EventPublisher } from './event-publisher';
import { ensureTopics } from './kafka-client';
import { MessageProcessor, type MessageHandler, type Outcome } from './message-processor';
import { DEFAULT_RETRY_POLICY, pause, type RetryPolicy } from './retry-policy';

export interface ConsumerHostOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  /** Its search_path is the service's schema, where the inbox table lives. */
  dataSource: DataSource;
  handle: MessageHandler;
  retries?: RetryPolicy;
  /** Where a group without committed offsets starts. Default: the end of the log. */
  fromBeginning?: boolean;
  registry?: ProcessorRegistry;
  /** Capped at the partition count of the topics, which is also the default. */
  partitionsConsumedConcurrently?: number;
  /** Group membership timings (kafkajs defaults: 30 s, 3 s, 60 s). */
  group?: { sessionTimeout?: number; heartbeatInterval?: number; rebalanceTimeout?: number };
  /** How long a fetch waits for new messages; stop() waits for at most one such fetch. Default 1 s. */
  maxWaitTimeInMs?: number;
  /** How often lag is asked of the broker, besides what each batch tells. Default 10 s. */
  lagRefreshMs?: number;
  /** A long batch commits its progress at least this often. Default 1 s. */
  commitIntervalMs?: number;
  /**
   * Up to this many consecutive messages of a partition share one transaction (default 1). Only
   * for handlers whose every effect goes through the transaction's manager: when a shared
   * transaction fails, its messages are handled again one by one.
   */
  messagesPerTransaction?: number;
}

type State = 'created' | 'starting' | 'running' | 'crashed' | 'stopping' | 'stopped';

/**
 * The one way a service consumes Kafka. Each message is handled once in effect: its handler runs in
 * a database transaction with an inbox row keyed by event id, and the offset is committed only
 * after that transaction committed. Failures are retried, then parked on the group's dead-letter
 * topic so a partition never stops for one bad message.
 *
 * eachBatch rather than eachMessage: with eachMessage kafkajs resolves each offset itself once the
 * callback returns; eachBatch leaves resolving and committing to us (one commit per batch or per
 * second instead of one per message), and lets us leave a batch between messages when stopping or
 * rebalancing. Messages of one partition are handled one after another; partitions run concurrently.
 *
 * kafkajs heartbeats only between messages, never during a handler: a rebalance waits for the
 * running handler; a handler (with its retries) longer than sessionTimeout gets this member evicted
 * and its partitions redelivered to another, whose inbox insert waits for our transaction and skips.
 */
export class ConsumerHost implements Processor {
  readonly name: string;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly deadLetters: EventPublisher;
  private readonly log: Logger;
  private readonly retries: RetryPolicy;
  private readonly messages: MessageProcessor;
  private readonly lag = new ConsumerLag();
  private readonly stopSignal = new AbortController();
  private state: State = 'created';
  private joined = false;
  private starting?: Promise<void>;
  private stopping?: Promise<void>;
  private lagTimer?: NodeJS.Timeout;
  private lastProgressAt?: Date;

  constructor(private readonly options: ConsumerHostOptions) {
    this.name = `kafka:${options.groupId}`;
    this.log = options.logger.child({ processor: this.name });
    this.retries = options.retries ?? DEFAULT_RETRY_POLICY;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
      ...options.group,
    });
    this.admin = options.kafka.admin();
    this.deadLetters = new EventPublisher(options.kafka);
    this.messages = new MessageProcessor({
      groupId: options.groupId,
      dataSource: options.dataSource,
      handle: options.handle,
      retries: this.retries,
      deadLetters: this.deadLetters,
      log: this.log,
      stopSignal: this.stopSignal.signal,
    });
    this.watchGroup();
    // Registered before start: a service is not ready until its consumers joined their groups.
    options.registry?.register(this);
  }

  /** Connects, subscribes and resolves once the group is joined; fetching goes on in the background. */
  start(): Promise<void> {
    if (this.state !== 'created') return Promise.reject(new Error(`${this.name} was already started; create a new ConsumerHost to start again`));
    this.state = 'starting';
    this.starting = this.connectAndRun().catch(async (err: unknown) => {
      this.state = 'stopped';
      await this.disconnectAll();
      throw err;
    });
    return this.starting;
  }

  /** Stops fetching, lets the message in hand finish and commits it, leaves the group. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  // Nest calls these on providers that have them (see kafkaConsumer in kafka.module.ts).
  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.state === 'running' && this.joined,
      lag: this.lag.total(),
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { state: this.state, groupId: this.options.groupId, topics: this.options.topics, ...this.messages.counts, lastError: this.messages.lastError },
    };
  }

  private async connectAndRun(): Promise<void> {
    const { kafka, groupId, topics, fromBeginning = false } = this.options;
    await ensureTopics(kafka, [deadLetterTopic(groupId)]);
    await this.admin.connect();
    const metadata = await this.admin.fetchTopicMetadata({ topics });
    const partitions = metadata.topics.reduce((sum, topic) => sum + topic.partitions.length, 0);
    const concurrency = Math.max(1, Math.min(this.options.partitionsConsumedConcurrently ?? partitions, partitions));
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning });
    this.state = 'running';
    // Resolves once the group is joined; fetching continues in the background.
    await this.consumer.run({
      autoCommit: false,
      // Otherwise kafkajs marks the whole batch done when we leave it early (stopping, rebalancing).
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    this.lagTimer = setInterval(() => void this.refreshLag(), this.options.lagRefreshMs ?? 10_000);
    this.lagTimer.unref();
    this.log.info({ topics, concurrency }, 'consumer started');
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.state === 'stopped' || this.state === 'created') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.stopSignal.abort();
    clearInterval(this.lagTimer);
    await this.disconnectAll();
    this.joined = false;
    this.state = 'stopped';
    this.log.info(this.messages.counts, 'consumer stopped');
  }

  private async disconnectAll(): Promise<void> {
    // consumer.disconnect() first stops the runner, which waits for the batch in hand to return.
    const results = await Promise.allSettled([this.consumer.disconnect(), this.deadLetters.disconnect(), this.admin.disconnect()]);
    for (const result of results) {
      if (result.status === 'rejected') this.log.warn({ err: result.reason }, 'error while disconnecting');
    }
  }

  private watchGroup(): void {
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.lag.assign(payload.memberAssignment);
      this.log.info({ assignment: payload.memberAssignment, memberId: payload.memberId }, 'joined consumer group');
      void this.refreshLag();
    });
    this.consumer.on(events.REBALANCING, () => this.log.info('consumer group is rebalancing'));
    this.consumer.on(events.CRASH, ({ payload }) => {
      this.joined = false;
      this.messages.recordError(payload.error);
      if (payload.restart) {
        this.log.warn({ err: payload.error }, 'consumer crashed; kafkajs restarts it');
      } else {
        this.state = 'crashed';
        this.log.error({ err: payload.error }, 'consumer crashed and will not restart: not ready');
      }
    });
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    const { topic, partition } = batch;
    const commitIntervalMs = this.options.commitIntervalMs ?? 1_000;
    this.lag.sawHighWatermark(topic, partition, batch.highWatermark);
    let uncommitted: string | undefined;
    let lastCommitAt = Date.now();
    // Only offsets whose transaction committed are ever resolved, so whatever is committed here is done.
    const commit = async (): Promise<void> => {
      if (uncommitted === undefined) return;
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: uncommitted }] }] });
      this.lag.sawCommit(topic, partition, uncommitted);
      uncommitted = undefined;
      lastCommitAt = Date.now();
    };

    const done = async (message: KafkaMessage, outcome: Exclude<Outcome, 'retry-later'>): Promise<void> => {
      resolveOffset(message.offset);
      uncommitted = (BigInt(message.offset) + 1n).toString();
      this.lastProgressAt = new Date();
      // Committed at once: after a crash a redelivered dead letter would be parked a second time (it has no inbox row).
      if (outcome === 'dead-lettered' || Date.now() - lastCommitAt >= commitIntervalMs) await commit();
      // Throws when the group rebalances: we commit what is done and let kafkajs rejoin.
      await heartbeat();
    };
    const together = Math.max(1, this.options.messagesPerTransaction ?? 1);
    const { messages } = batch;

    try {
      for (let next = 0; next < messages.length;) {
        if (!isRunning() || isStale() || this.stopSignal.signal.aborted) break;
        const chunk = messages.slice(next, next + together);
        if (chunk.length > 1 && (await this.messages.processTogether(topic, partition, chunk))) {
          await done(chunk[chunk.length - 1], 'handled');
          next += chunk.length;
          continue;
        }
        // One by one: a chunk of one, or a shared transaction that failed.
        for (const message of chunk) {
          if (!isRunning() || isStale() || this.stopSignal.signal.aborted) return await commit();
          const outcome = await this.messages.process(topic, partition, message);
          if (outcome === 'retry-later') {
            // Unresolved: the next fetch starts at this message again.
            await pause(this.retries.maxDelayMs, this.stopSignal.signal);
            return await commit();
          }
          await done(message, outcome);
          next++;
        }
      }
    } catch (err) {
      await commit().catch((commitErr: unknown) =>
        this.log.warn({ err: commitErr, topic, partition }, 'could not commit before rejoining; the inbox drops the redelivered messages'),
      );
      throw err;
    }
    await commit();
  }

  private async refreshLag(): Promise<void> {
    if (this.state !== 'running') return;
    try {
      await this.lag.refresh(this.admin, this.options.groupId, this.options.fromBeginning ?? false);
    } catch (err) {
      this.log.debug({ err }, 'lag refresh failed');
    }
  }
}
