import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { eventually, orderOnTheWire, rosesPlaced, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { WebSocket } from 'ws';
import type { NotificationsConfig } from './notifications.config';
import { notificationsService } from './notifications.service';

export const tokens = developmentTokens();
export const at = '2026-02-14T09:00:00.000Z';
export const alex = { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht' } };
const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };

export type Notifications = RunningService<NotificationsConfig>;

export interface Frame {
  type: string;
  cursor?: string;
  audience?: string;
  seq?: number;
  eventId?: string;
  eventType?: string;
  critical?: boolean;
  alert?: boolean;
  resent?: boolean;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The notifications service in this process, in its own schema unless one is shared (replicas). */
export function startNotifications(namespace: string, env: Record<string, string> = {}): Promise<Notifications> {
  return startTestService(notificationsService, { KAFKA_NAMESPACE: namespace, ...env });
}

/** Produces integration events to the namespaced topics exactly as the relays do (envelope, key = stream id, headers). */
export async function relayStandIn(namespace: string) {
  const kafka = new Kafka({ clientId: 'relay-stand-in', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const producer = kafka.producer();
  await producer.connect();
  return {
    orders: (...events: IntegrationEvent[]) => publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), events),
    topic: (name: string, ...events: IntegrationEvent[]) => publisher.publish(namespaced(name, namespace), events),
    /** Raw messages, e.g. poison, or rider positions keyed by rider. */
    raw: (name: string, messages: Array<{ key?: string; value: string; partition?: number }>) =>
      producer.send({ topic: namespaced(name, namespace), messages }),
    /** Reads a group's dead-letter topic from its start until `check` passes. */
    deadLetters: async (group: string, check: (parked: Array<{ value: string; headers: Record<string, string> }>) => void) => {
      const parked: Array<{ value: string; headers: Record<string, string> }> = [];
      const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
      await consumer.subscribe({ topic: namespaced(`${group}.dlq`, namespace), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) =>
          void parked.push({
            value: String(message.value),
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          }),
      });
      try {
        await eventually(() => check(parked));
      } finally {
        await consumer.disconnect();
      }
    },
    disconnect: async () => {
      await Promise.all([publisher.disconnect(), producer.disconnect()]);
    },
  };
}
export type Relay = Awaited<ReturnType<typeof relayStandIn>>;

/** An order's stream: each event numbered after the last, as the orders log numbers them. */
export function newOrder(shopId: string, options: { recipientPersonId?: string } = {}) {
  const { orderId, ref, next } = orderOnTheWire(shopId, { occurredAt: () => at });
  return {
    orderId,
    placed: () =>
      next({
        type: 'OrderPlaced',
        data: rosesPlaced(ref, { deliveryWindow: window, recipientPersonId: options.recipientPersonId ?? 'p-alex', recipient: alex, placedAt: at }),
      }),
    accepted: () => next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: at } }),
    windowChanged: () => next({ type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: window, changedAt: at } }),
    productionStarted: () => next({ type: 'ProductionStarted', data: { ...ref, startedAt: at } }),
    finished: () => next({ type: 'ArrangementFinished', data: { ...ref, finishedAt: at } }),
    assigned: (riderId: string) => next({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: at } }),
    outForDelivery: (riderId: string) => next({ type: 'OutForDelivery', data: { ...ref, riderId, pickedUpAt: at } }),
    delivered: (riderId: string) =>
      next({ type: 'OrderDelivered', data: { ...ref, riderId, outcome: { kind: 'recipient' }, proof: { at }, receivedBy: null, deliveredAt: at } }),
    exceptionFlagged: (kind = 'damaged') => next({ type: 'OrderExceptionFlagged', data: { ...ref, exceptionId: randomUUID(), kind, flaggedAt: at } }),
  };
}

/** A WebSocket to /ws as a browser opens one: the token goes in the first message, never in the URL. */
export function openSocket(service: { url: string }, token: string, cursor?: string): WebSocket {
  const query = cursor ? `?${new URLSearchParams({ cursor })}` : '';
  const socket = new WebSocket(`${service.url.replace('http', 'ws')}/ws${query}`);
  socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
  return socket;
}

/** A connected client, as an app holds it: every frame it received, in order. */
export class LiveClient {
  readonly frames: Frame[] = [];
  private constructor(readonly socket: WebSocket) {}

  static async connect(service: { url: string }, principal: Principal, cursor?: string): Promise<LiveClient> {
    const client = new LiveClient(openSocket(service, tokens.sign(principal), cursor));
    client.socket.on('message', (data) => client.frames.push(JSON.parse(String(data)) as Frame));
    await eventually(() => expect(client.frames.some((f) => f.type === 'welcome')).toBe(true));
    return client;
  }

  notifications(): Frame[] {
    return this.frames.filter((f) => f.type === 'notification' && !f.resent);
  }

  of(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  eventIds(): string[] {
    return this.notifications().map((f) => f.eventId!);
  }

  /** The cursor to resume from: of the last notification, else of the welcome. */
  cursor(): string {
    const withCursor = this.frames.filter((f) => typeof f.cursor === 'string');
    return withCursor[withCursor.length - 1].cursor!;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

/**
 * A new consumer group starts at the end of the log, which it learns on its first fetch a moment
 * after joining: probe each partition until a probe reaches an operator, so no test's events fall before that end.
 */
export async function waitUntilConsuming(service: { url: string }, relay: Relay): Promise<void> {
  const operator = await LiveClient.connect(service, { role: 'operator', sub: 'probe' });
  try {
    for (let partition = 0; partition < TOPICS.ordersEvents.partitions; partition++) {
      await eventually(async () => {
        const probe = newOrder(uniqueName('probe')).placed();
        await relay.raw(TOPICS.ordersEvents.name, [{ key: probe.streamId, value: JSON.stringify(probe), partition }]);
        await eventually(() => expect(operator.eventIds()).toContain(probe.eventId), 2_000);
      }, 30_000);
    }
  } finally {
    await operator.close();
  }
}

export interface ServerSentEvent {
  id?: string;
  event: string;
  data: Frame;
}

/** An SSE reader as a browser's EventSource would be: every event in order, with its id. */
export class SseClient {
  readonly events: ServerSentEvent[] = [];
  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {}

  static async open(
    service: { url: string },
    auth: { header?: string; ticket?: string },
    resume: { lastEventId?: string; cursor?: string } = {},
  ): Promise<SseClient> {
    const abort = new AbortController();
    const query = new URLSearchParams({ ...(auth.ticket ? { ticket: auth.ticket } : {}), ...(resume.cursor ? { cursor: resume.cursor } : {}) });
    const response = await fetch(`${service.url}/sse?${query}`, {
      headers: {
        accept: 'text/event-stream',
        ...(auth.header ? { authorization: `Bearer ${auth.header}` } : {}),
        ...(resume.lastEventId ? { 'last-event-id': resume.lastEventId } : {}),
      },
      signal: abort.signal,
    });
    const client = new SseClient(response, abort);
    if (response.ok && response.body) void client.read(response.body);
    return client;
  }

  notifications(): Frame[] {
    return this.events.filter((e) => e.event === 'notification').map((e) => e.data);
  }

  lastEventId(): string | undefined {
    return this.events.filter((e) => e.id).at(-1)?.id;
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => !l.startsWith(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
          );
          if (fields.event) this.events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) as Frame });
        }
      }
    } catch {
      // Aborted by close().
    }
  }
}

/** Opens /ws with `token` and waits for the server to close it: its close code and every frame it sent first. */
export async function refusedSocket(service: { url: string }, token: string): Promise<{ code: number; frames: string[] }> {
  const socket = openSocket(service, token);
  const frames: string[] = [];
  socket.on('message', (data) => frames.push(String(data)));
  const code = await new Promise<number>((resolve) => socket.once('close', (closeCode) => resolve(closeCode)));
  return { code, frames };
}
