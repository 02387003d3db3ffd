import type { IntegrationEvent } from '@petalpost/contracts';
import type { Kafka } from 'kafkajs';
import { kafkajsDriver } from './driver/kafkajs-driver';
import type { DriverProducer } from './driver/port';
import { headersFor } from './headers';

export interface OutgoingMessage {
  /** Messages with one key land on one partition, in order. */
  key: string | Buffer | null;
  /** A Buffer or null is sent as it is; anything else as JSON. */
  value: unknown;
  /** A header may repeat (an array): dead letters keep the original headers exactly. */
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
}

/**
 * One idempotent producer (acks=all, one request in flight): the client's own retries neither
 * duplicate nor reorder messages of a partition, and send() resolves only once every replica in sync
 * has them. Its retries are bounded (kafkajs warns about that once per producer): a send that gives
 * up rejects, and a caller that sends again may duplicate, which consumers drop by event id.
 *
 * Given a kafkajs Kafka it produces through kafkajs, as every service does; given a driver's
 * producer (see driver/), through that client — how the outbox relay is measured on each.
 */
export class EventPublisher {
  private readonly producer: DriverProducer;

  constructor(source: Kafka | DriverProducer) {
    this.producer = isDriverProducer(source) ? source : kafkajsDriver(source).producer();
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Publishes integration events in order as one batch, keyed by stream id. */
  publish(topic: string, events: readonly IntegrationEvent[], traceparent?: string): Promise<void> {
    return this.send(
      topic,
      events.map((event) => ({ key: event.streamId, value: event, headers: headersFor(event, traceparent) })),
    );
  }

  /** Sends arbitrary messages (commands, dead letters) as one batch. */
  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send(
      topic,
      messages.map(({ key, value, headers }) => ({ key, value: value === null || Buffer.isBuffer(value) ? value : JSON.stringify(value), headers })),
    );
  }
}

function isDriverProducer(source: Kafka | DriverProducer): source is DriverProducer {
  return typeof (source as DriverProducer).send === 'function';
}
