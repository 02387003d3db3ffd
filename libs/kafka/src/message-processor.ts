import { randomUUID } from 'node:crypto';
import { deadLetterTopic, PoisonMessageError } from '@petalpost/contracts';
import { isTraceparent, runWithContext, type Logger } from '@petalpost/platform';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { deadLetterOf, errorClass, errorMessage } from './dead-letter';
import type { EventPublisher } from './event-publisher';
import { HEADERS, readHeaders } from './headers';
import { backoffDelay, pause, type RetryPolicy } from './retry-policy';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as Kafka stamped it. */
  timestamp: string;
}

/** Runs inside the message's transaction: write through `manager` so the effect commits with the inbox row. */
export type MessageHandler = (message: ConsumedMessage, manager: EntityManager) => Promise<void>;

/** retry-later: leave the offset unresolved, so the message is fetched again (nothing was committed for it). */
export type Outcome = 'handled' | 'duplicate' | 'dead-lettered' | 'retry-later';

export interface MessageProcessorOptions {
  groupId: string;
  dataSource: DataSource;
  handle: MessageHandler;
  retries: RetryPolicy;
  deadLetters: EventPublisher;
  log: Logger;
  /** Fires on stop: backoffs end at once and the message is left for the next owner of the partition. */
  stopSignal: AbortSignal;
}

/** The message's transaction failed before the handler ran (database down, inbox missing): not the message's fault. */
class InboxUnavailable extends Error {
  constructor(cause: unknown) {
    super(`inbox insert failed: ${errorMessage(cause)}`, { cause });
    this.name = 'InboxUnavailable';
  }
}

const INSERT_INBOX = `
  INSERT INTO inbox (group_id, message_id, topic, kafka_partition, kafka_offset)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT DO NOTHING
  RETURNING message_id`;

/** The inbox rows of several messages at once: answers the ids that were new. */
const INSERT_INBOX_MANY = `
  INSERT INTO inbox (group_id, message_id, topic, kafka_partition, kafka_offset)
  SELECT $1, m.message_id, $2, $3, m.kafka_offset FROM unnest($4::text[], $5::bigint[]) AS m(message_id, kafka_offset)
  ON CONFLICT DO NOTHING
  RETURNING message_id`;

/**
 * One message, start to end: in its correlation context, one transaction with its inbox row,
 * retried with backoff, then parked on the group's dead-letter topic.
 */
export class MessageProcessor {
  readonly counts = { handled: 0, duplicates: 0, deadLettered: 0, retriedLater: 0 };
  lastError?: { message: string; at: string };

  constructor(private readonly options: MessageProcessorOptions) {}

  process(topic: string, partition: number, raw: KafkaMessage): Promise<Outcome> {
    const { message, messageId, context } = this.received(topic, partition, raw);
    return runWithContext(context, () => this.handleWithRetries(message, raw, messageId));
  }

  /**
   * Several consecutive messages of one partition in one transaction: one commit (and one wait for
   * the disk) for all of them. Any failure rolls all of them back and answers false: the caller
   * then takes them one by one, so a bad message is still retried and dead-lettered on its own.
   */
  async processTogether(topic: string, partition: number, raws: readonly KafkaMessage[]): Promise<boolean> {
    const { dataSource, groupId, handle, log } = this.options;
    const received = raws.map((raw) => this.received(topic, partition, raw));
    let handled = 0;
    try {
      await dataSource.transaction(async (manager) => {
        handled = 0;
        // One statement for all inbox rows; a message seen before (or twice in this batch) runs no handler.
        const inserted = await manager.query<Array<{ message_id: string }>>(INSERT_INBOX_MANY, [
          groupId,
          topic,
          partition,
          received.map((r) => r.messageId),
          received.map((r) => r.message.offset),
        ]);
        const fresh = new Set(inserted.map((row) => row.message_id));
        for (const { message, messageId, context } of received) {
          if (!fresh.delete(messageId)) continue;
          await runWithContext(context, () => handle(message, manager));
          handled++;
        }
      });
    } catch (err) {
      log.debug({ err, topic, partition, from: raws[0].offset, messages: raws.length }, 'shared transaction failed; taking its messages one by one');
      return false;
    }
    this.counts.handled += handled;
    this.counts.duplicates += raws.length - handled;
    return true;
  }

  private received(topic: string, partition: number, raw: KafkaMessage) {
    const message: ConsumedMessage = {
      topic,
      partition,
      offset: raw.offset,
      key: raw.key === null ? null : raw.key.toString(),
      value: raw.value,
      headers: readHeaders(raw),
      timestamp: raw.timestamp,
    };
    const eventId = message.headers[HEADERS.eventId];
    const traceparent = message.headers[HEADERS.traceparent];
    const context = {
      correlationId: message.headers[HEADERS.correlationId] ?? randomUUID(),
      causationId: eventId,
      traceparent: isTraceparent(traceparent) ? traceparent : undefined,
    };
    return { message, context, messageId: eventId ?? `${topic}:${partition}:${raw.offset}` };
  }

  recordError(err: unknown): void {
    this.lastError = { message: `${errorClass(err)}: ${errorMessage(err)}`, at: new Date().toISOString() };
  }

  private async handleWithRetries(message: ConsumedMessage, raw: KafkaMessage, messageId: string): Promise<Outcome> {
    const { log, retries, stopSignal } = this.options;
    const where = { topic: message.topic, partition: message.partition, offset: message.offset, messageId };
    let failure: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.applyOnce(message, messageId)) {
          this.counts.handled++;
          return 'handled';
        }
        this.counts.duplicates++;
        log.debug(where, 'duplicate message skipped');
        return 'duplicate';
      } catch (err) {
        this.recordError(err);
        if (err instanceof InboxUnavailable) {
          this.counts.retriedLater++;
          log.error({ ...where, err: err.cause }, 'cannot record the message in the inbox; it is fetched again');
          return 'retry-later';
        }
        failure = err;
        if (isPoison(err) || attempt >= retries.attempts) break;
        log.warn({ ...where, err, attempt }, 'handler failed; retrying');
        if (!(await pause(backoffDelay(retries, attempt), stopSignal))) return 'retry-later';
      }
    }
    return this.deadLetter(message, raw, failure, where);
  }

  /** One transaction: the inbox row first (it also makes a concurrent redelivery wait for us), then the effect. */
  private async applyOnce(message: ConsumedMessage, messageId: string): Promise<boolean> {
    const { dataSource, groupId, handle } = this.options;
    let handlerRan = false;
    try {
      return await dataSource.transaction(async (manager) => {
        const inserted = await manager.query<unknown[]>(INSERT_INBOX, [groupId, messageId, message.topic, message.partition, message.offset]);
        if (inserted.length === 0) return false;
        handlerRan = true;
        await handle(message, manager);
        return true;
      });
    } catch (err) {
      throw handlerRan ? err : new InboxUnavailable(err);
    }
  }

  private async deadLetter(message: ConsumedMessage, raw: KafkaMessage, failure: unknown, where: Record<string, unknown>): Promise<Outcome> {
    const { deadLetters, groupId, log } = this.options;
    const topic = deadLetterTopic(groupId).name;
    try {
      await deadLetters.send(topic, [deadLetterOf({ topic: message.topic, partition: message.partition, message: raw }, failure, new Date())]);
    } catch (err) {
      this.counts.retriedLater++;
      this.recordError(err);
      log.error({ ...where, err, deadLetterTopic: topic }, 'could not dead-letter the message; it is fetched again');
      return 'retry-later';
    }
    this.counts.deadLettered++;
    log.error({ ...where, err: failure, deadLetterTopic: topic }, 'message dead-lettered');
    return 'dead-lettered';
  }
}

/** By name as well: a second copy of the contracts package would fail instanceof. */
function isPoison(err: unknown): boolean {
  return err instanceof PoisonMessageError || (err instanceof Error && err.name === 'PoisonMessageError');
}
