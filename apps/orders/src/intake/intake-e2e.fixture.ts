import { developmentTokens, type Principal } from '@petalpost/auth';
import { namespaced, TOPICS } from '@petalpost/contracts';
import type { RunningService } from '@petalpost/platform';
import {
  createTestNamespace,
  eventually,
  orderOnTheWire,
  rosesPlaced,
  type ServiceProcess,
  startServiceProcess,
  startTestService,
  testInfra,
  uniqueName,
} from '@petalpost/testing';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import type { OrdersConfig } from '../orders.config';
import { ordersService } from '../orders.service';

/**
 * What the intake's end-to-end specs share: the services a platform's order goes through, a staff
 * member's live socket, "has this consumer read that far", JSON calls with a token.
 */

const tokens = developmentTokens();

export interface Notification {
  eventType: string;
  eventId: string;
  audience: string;
  critical?: boolean;
  data: Record<string, unknown>;
}

/** A browser's live connection to notifications: the token in the first message, every notification kept. */
export class StaffSocket {
  readonly notifications: Notification[] = [];
  private constructor(readonly socket: WebSocket) {}

  static async open(url: string, principal: Principal): Promise<StaffSocket> {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: tokens.sign(principal) })));
    const client = new StaffSocket(socket);
    let welcomed = false;
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string } & Notification;
      if (frame.type === 'welcome') welcomed = true;
      if (frame.type === 'notification') client.notifications.push(frame);
    });
    await eventually(() => expect(welcomed).toBe(true));
    return client;
  }

  heard(eventType: string, match: (data: Record<string, unknown>) => boolean): Promise<Notification> {
    return eventually(() => {
      const found = this.notifications.find((n) => n.eventType === eventType && match(n.data));
      expect(found).toBeDefined();
      return found!;
    }, 30_000);
  }
}

/** Notifications has joined orders.events on every partition: an order placed now reaches a socket. */
export async function waitUntilConsuming(notificationsUrl: string, namespace: string): Promise<void> {
  const operator = await StaffSocket.open(notificationsUrl, { role: 'operator', sub: 'probe' });
  const kafka = new Kafka({ clientId: 'probe', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let partition = 0; partition < TOPICS.ordersEvents.partitions; partition++) {
      await eventually(async () => {
        const probe = orderOnTheWire(uniqueName('probe'));
        const placed = probe.next({ type: 'OrderPlaced', data: rosesPlaced(probe.ref) });
        await producer.send({
          topic: namespaced(TOPICS.ordersEvents.name, namespace),
          messages: [{ key: placed.streamId, value: JSON.stringify(placed), partition }],
        });
        await eventually(() => expect(operator.notifications.map((n) => n.eventId)).toContain(placed.eventId), 2_000);
      }, 60_000);
    }
  } finally {
    operator.socket.close();
    await producer.disconnect();
  }
}

/** Waits until a consumer group has committed past everything on the topic now: what was published was read. */
export async function readPast(admin: Admin, namespace: string, group: string, topic: string): Promise<void> {
  const ends = await admin.fetchTopicOffsets(topic);
  await eventually(async () => {
    const [committed] = await admin.fetchOffsets({ groupId: namespaced(group, namespace), topics: [topic] });
    for (const end of ends) {
      if (end.high === '0') continue;
      expect(Number(committed.partitions.find((p) => p.partition === end.partition)?.offset ?? -1)).toBeGreaterThanOrEqual(Number(end.high));
    }
  }, 30_000);
}

/** A JSON call with a bearer token: status and body. */
export async function callJson(url: string, method: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

export function signToken(principal: Principal): string {
  return tokens.sign(principal);
}

/** The real services a platform's order goes through, in a namespace of their own. */
export interface PlatformServices {
  namespace: string;
  notifications: ServiceProcess;
  dispatch: ServiceProcess;
  orders: RunningService<OrdersConfig>;
  stop(): Promise<void>;
}

/** Pushes processed and write-backs retried in milliseconds, so a spec waits for outcomes, not for the production pace. */
const QUICK_INTAKE = {
  ORDERS_INTAKE_WORKER_POLL_MS: '100',
  ORDERS_INTAKE_WRITEBACK_POLL_MS: '50',
  ORDERS_INTAKE_WRITEBACK_BASE_DELAY_MS: '50',
  ORDERS_INTAKE_WRITEBACK_MAX_DELAY_MS: '400',
};

/**
 * Notifications and dispatch as processes of their own, notifications reading orders.events before
 * anything is placed (so staff hear of the first order), and the orders service in this process
 * with `ordersEnv` (the platform's API origin, attempts, the position rate).
 */
export async function startPlatformServices(ordersEnv: Record<string, string>): Promise<PlatformServices> {
  const namespace = await createTestNamespace();
  const [notifications, dispatch] = await Promise.all([
    startServiceProcess('notifications', { KAFKA_NAMESPACE: namespace }),
    startServiceProcess('dispatch', { KAFKA_NAMESPACE: namespace }),
  ]);
  await waitUntilConsuming(notifications.url, namespace);
  const orders = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace, ...QUICK_INTAKE, ...ordersEnv });
  return {
    namespace,
    notifications,
    dispatch,
    orders,
    stop: async () => {
      await orders.app.close();
      await Promise.all([dispatch.stop(), notifications.stop()]);
    },
  };
}

/**
 * A rider of the shop, registered with dispatch as the shop registers them, once the orders
 * service's riders' directory knows the phone a platform will show the buyer.
 */
export async function registerRider(services: PlatformServices, shopId: string, name: string, phone: string): Promise<{ riderId: string; token: string }> {
  const riderId = uniqueName('rider');
  const staff = tokens.sign({ role: 'staff', shopId, sub: 'owner' });
  const registered = await callJson(`${services.dispatch.url}/riders`, 'POST', staff, { riderId, name, phone, vehicle: { kind: 'e-bike', capacity: 6 } });
  expect(registered.status).toBe(201);
  await eventually(async () => {
    const [row] = await services.orders.app.get(DataSource).query<Array<{ phone: string }>>(`SELECT phone FROM intake_riders WHERE rider_id = $1`, [riderId]);
    expect(row?.phone).toBe(phone);
  }, 30_000);
  return { riderId, token: tokens.sign({ role: 'rider', shopId, sub: riderId }) };
}
