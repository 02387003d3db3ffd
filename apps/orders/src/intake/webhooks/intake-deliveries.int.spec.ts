import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@petalpost/testing';
import { IntakeConnections1770000000100 } from '../connections/intake-connections.migration';
import { IntakeConnectionsPlatforms1770000001000 } from '../connections/intake-connections-platforms.migration';
import { IntakeConnections } from '../connections/intake-connections.store';
import { SecretBox } from '../secret-box';
import { IntakeDeliveries1770000000200 } from './intake-deliveries.migration';
import { IntakeDeliveries } from './intake-deliveries.store';

/**
 * The webhook inbox against real PostgreSQL: a delivery is stored once, sealed; replicas claim
 * disjoint deliveries; one claimed by a worker that died is claimed again once its lease runs
 * out, so a crash between storing and processing loses nothing.
 */
describe('intake deliveries (real PostgreSQL)', () => {
  let db: TestDatabase;
  let deliveries: IntakeDeliveries;
  let connectionId: string;
  const box = new SecretBox(randomBytes(32));
  const body = Buffer.from('{"id":1,"note":"Alex Recipient, Lindenlaan 5"}');

  beforeAll(async () => {
    db = await createTestDatabase({
      migrations: [IntakeConnections1770000000100, IntakeDeliveries1770000000200, IntakeConnectionsPlatforms1770000001000],
      prefix: 'intake',
    });
    deliveries = new IntakeDeliveries(db.dataSource, box);
    const connection = await new IntakeConnections(db.dataSource, box).create({
      shopId: 'shop-1',
      platform: 'shopify',
      label: 'Web shop',
      shopDomain: `${randomUUID()}.myshopify.com`,
      timeZone: 'Europe/Amsterdam',
      webhookSecret: 'a-secret-of-sixteen-or-more',
      mapping: {},
    });
    connectionId = connection.connectionId;
  });
  afterAll(() => db.drop());
  // Each test claims only what it stored: nothing is left due for the next.
  afterEach(() => db.dataSource.query(`UPDATE intake_deliveries SET state = 'processed', body = NULL WHERE state = 'received'`));

  const store = (eventId = randomUUID()) => deliveries.store({ connectionId, shopId: 'shop-1', eventId, topic: 'orders/create', body });

  it('stores a delivery once per event, its body sealed, never in the clear', async () => {
    const eventId = randomUUID();
    const first = await store(eventId);
    const again = await store(eventId);
    expect(again).toEqual({ deliveryId: first.deliveryId, duplicate: true });
    const [row] = await db.dataSource.query<Array<{ body: Buffer }>>(`SELECT body FROM intake_deliveries WHERE delivery_id = $1`, [first.deliveryId]);
    expect(row.body.includes(Buffer.from('Alex'))).toBe(false);
    const [claim] = await deliveries.claim(10, 60_000, first.deliveryId);
    expect(deliveries.body(claim)).toEqual(body);
  });

  it('gives concurrent claimers disjoint deliveries (SKIP LOCKED)', async () => {
    const stored = await Promise.all(Array.from({ length: 12 }, () => store()));
    const claims = await Promise.all(Array.from({ length: 4 }, () => deliveries.claim(5, 60_000)));
    const claimed = claims.flat().map((c) => c.deliveryId);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual(stored.map((s) => s.deliveryId).sort());
  });

  it('answers a claim oldest first, so the worker can keep the deliveries of one order in the order received', async () => {
    const stored: string[] = [];
    for (let i = 0; i < 8; i++) stored.push((await store()).deliveryId);
    const claimed = await deliveries.claim(8, 60_000);
    expect(claimed.map((c) => c.deliveryId)).toEqual(stored);
  });

  it('claims again a delivery whose worker died before recording it, once the lease has run out', async () => {
    const { deliveryId } = await store();
    const [taken] = await deliveries.claim(10, 60_000, deliveryId);
    expect(taken.attempts).toBe(1);
    // The worker died here. While its lease lasts nobody else takes the delivery.
    expect(await deliveries.claim(10, 60_000, deliveryId)).toEqual([]);
    await db.dataSource.query(`UPDATE intake_deliveries SET next_attempt_at = now() - interval '1 second' WHERE delivery_id = $1`, [deliveryId]);
    const [retaken] = await deliveries.claim(10, 60_000, deliveryId);
    expect(retaken).toMatchObject({ deliveryId, attempts: 2 });
    expect(deliveries.body(retaken)).toEqual(body);
  });

  it('drops the body once the delivery is processed, keeping what became of it', async () => {
    const { deliveryId } = await store();
    await deliveries.claim(10, 60_000, deliveryId);
    await deliveries.record(deliveryId, { outcome: 'placed', orderId: randomUUID(), externalRef: '1' });
    const [row] = await db.dataSource.query<Array<{ body: Buffer | null; state: string }>>(`SELECT body, state FROM intake_deliveries WHERE delivery_id = $1`, [
      deliveryId,
    ]);
    expect(row).toEqual({ body: null, state: 'processed' });
    expect(await deliveries.get(deliveryId)).toMatchObject({ outcome: 'placed', externalRef: '1' });
  });

  it('parks a delivery as failed after its last attempt, and waits before trying again otherwise', async () => {
    const retried = await store();
    await deliveries.claim(10, 60_000, retried.deliveryId);
    await deliveries.failed(retried.deliveryId, 'database went away', 60_000);
    expect(await deliveries.claim(10, 60_000, retried.deliveryId)).toEqual([]);
    const parked = await store();
    await deliveries.claim(10, 60_000, parked.deliveryId);
    await deliveries.failed(parked.deliveryId, 'still broken', undefined);
    expect(await deliveries.get(parked.deliveryId)).toMatchObject({ state: 'failed', outcome: 'failed', reason: 'still broken' });
  });
});
