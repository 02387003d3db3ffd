import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { CONSUMER_GROUPS, type IntegrationEvent, namespaced, type RecipientContact, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import {
  createTestNamespace,
  customerTokenForgery,
  eventually,
  orderOnTheWire,
  personErased,
  rosesPlaced,
  startTestService,
  testInfra,
  uniqueName,
} from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';

const tokens = developmentTokens();
const at = '2025-10-01T09:00:00.000Z';

// The hospital, two addresses a stone's throw from it (in two 6-character cells), and one across town.
const hospital = { lat: 52.0866, lng: 5.1795 };
const byTheEntrance = { lat: 52.087, lng: 5.18 }; // u178mf…
const acrossTheRoad = { lat: 52.086, lng: 5.179 }; // u178mc…
const cityCentre = { lat: 52.0907, lng: 5.1214 }; // u178kd…, ≈ 4 km away
const nearTheHospital = `near=${hospital.lat},${hospital.lng}&radiusMeters=300`;
const fridayAfternoon = 'weekday=friday&fromHour=14&toHour=16&timeZone=Europe/Amsterdam';

type Point = { lat: number; lng: number };
/** What the demand API answers, loosely: each test says exactly what it expects. */
interface Body {
  [field: string]: unknown;
  code?: string;
  items: unknown[];
  nextCursor?: string;
  hours: Array<{ hour: number; expectedOrders: number; ridersNeeded: number }>;
}
type Answer = { status: number; headers: Headers; text: string; body: Body };

/**
 * Demand history against the real dispatch service, Postgres and Kafka: order events produced to
 * the namespaced orders.events exactly as the orders relay produces them, read back as counts,
 * CSV and a forecast.
 */
describe('demand history (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let publisher: EventPublisher;
  let topic: string;

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const get = async (token: string, path: string): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Body) : { items: [], hours: [] },
    };
  };
  const publish = (...events: IntegrationEvent[]) => publisher.publish(topic, events);
  const handledByDemand = async (event: IntegrationEvent) =>
    (
      await service.app
        .get(DataSource)
        .query(`SELECT 1 FROM inbox WHERE message_id = $1 AND group_id LIKE $2`, [event.eventId, `%${CONSUMER_GROUPS.dispatchDemand.group}`])
    ).length === 1;

  /** One order's stream, its window starting at `from` (ISO with offset), its recipient at `where` (none: no coordinates). */
  const order = (shopId: string, from: string, where?: Point, recipientPersonId: string | null = uniqueName('person')) => {
    const { orderId, ref, next } = orderOnTheWire(shopId, { occurredAt: () => at });
    const recipient: RecipientContact = { name: 'Alex Recipient', address: { text: 'Heidelberglaan 100, Utrecht', ...(where ? { geo: where } : {}) } };
    const window = (start: string) => ({ from: start, to: new Date(Date.parse(start) + 2 * 3_600_000).toISOString() });
    return {
      orderId,
      recipientPersonId,
      placed: () =>
        next({
          type: 'OrderPlaced',
          data: rosesPlaced(ref, { deliveryWindow: window(from), addressType: 'hospital', recipientPersonId, recipient, placedAt: at }),
        }),
      accepted: () => next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: at } }),
      cancelled: () => next({ type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: at } }),
      windowChanged: (start: string) => next({ type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: window(start), changedAt: at } }),
    };
  };
  /** Publishes each order's events, and waits until the demand history has handled the last of them. */
  const published = async (...streams: IntegrationEvent[][]) => {
    for (const events of streams) await publish(...events);
    await eventually(async () => {
      for (const events of streams) expect(await handledByDemand(events[events.length - 1])).toBe(true);
    });
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    topic = namespaced(TOPICS.ordersEvents.name, namespace);
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: namespace });
    publisher = new EventPublisher(new Kafka({ clientId: 'orders-relay-stand-in', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }));
    await publisher.connect();
    // A new group learns where to start a moment after joining: probe until an order shows.
    const probeShop = uniqueName('shop');
    await eventually(async () => {
      await publish(order(probeShop, '2025-10-10T14:30:00+02:00').placed());
      await eventually(
        async () => expect((await get(as({ role: 'dispatcher', shopId: probeShop }), '/demand')).body.totals).toEqual({ orders: 1, cancelled: 0 }),
        2_000,
      );
    }, 30_000);
  });
  afterAll(async () => {
    await publisher?.disconnect();
    await service?.app.close();
  });

  describe('a shop with three Fridays of orders around the hospital', () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dana' });

    beforeAll(async () => {
      // Before 26 October 2025 Amsterdam is on summer time (+02:00).
      const moved = order(shop, '2025-10-24T09:00:00+02:00', acrossTheRoad);
      const movedAway = order(shop, '2025-10-10T15:00:00+02:00', byTheEntrance);
      const cancelled = order(shop, '2025-10-17T14:30:00+02:00', byTheEntrance);
      await published(
        [order(shop, '2025-10-10T14:30:00+02:00', byTheEntrance).placed()],
        [order(shop, '2025-10-10T14:45:00+02:00', acrossTheRoad).placed()],
        [order(shop, '2025-10-10T14:15:00+02:00', cityCentre).placed()],
        [order(shop, '2025-10-10T16:00:00+02:00', byTheEntrance).placed()],
        [order(shop, '2025-10-10T11:00:00+02:00', byTheEntrance).placed()],
        [order(shop, '2025-10-17T14:30:00+02:00', byTheEntrance).placed()],
        [order(shop, '2025-10-17T15:45:00+02:00', acrossTheRoad).placed()],
        [cancelled.placed(), cancelled.cancelled()],
        [order(shop, '2025-10-24T14:00:00+02:00', byTheEntrance).placed()],
        [order(shop, '2025-10-24T14:10:00+02:00').placed()],
        [order(shop, '2025-10-23T14:30:00+02:00', byTheEntrance).placed()],
        [moved.placed(), moved.accepted(), moved.windowChanged('2025-10-24T15:00:00+02:00')],
        [movedAway.placed(), movedAway.windowChanged('2025-10-23T10:00:00+02:00')],
      );
    });

    it('answers how many orders near the hospital on Friday 14–16h, by hour and area, cancelled ones apart', async () => {
      const answer = await get(dispatcher, `/demand?${fridayAfternoon}&${nearTheHospital}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        shopId: shop,
        timeZone: 'Europe/Amsterdam',
        weekday: 'friday',
        fromHour: 14,
        toHour: 16,
        near: { ...hospital, radiusMeters: 300 },
        areaPrecision: 6,
        totals: { orders: 6, cancelled: 1 },
        items: [
          { weekday: 'friday', hour: 14, hourOfWeek: 110, area: 'u178mc', orders: 1, cancelled: 0 },
          { weekday: 'friday', hour: 14, hourOfWeek: 110, area: 'u178mf', orders: 3, cancelled: 1 },
          { weekday: 'friday', hour: 15, hourOfWeek: 111, area: 'u178mc', orders: 2, cancelled: 0 },
        ],
      });
    });

    it('counts every area without near, orders without coordinates under "unknown", and reads the hours on the clock asked for', async () => {
      const everywhere = await get(dispatcher, `/demand?${fridayAfternoon}&areaPrecision=5`);
      expect(everywhere.body.items).toEqual([
        { weekday: 'friday', hour: 14, hourOfWeek: 110, area: 'u178k', orders: 1, cancelled: 0 },
        { weekday: 'friday', hour: 14, hourOfWeek: 110, area: 'u178m', orders: 4, cancelled: 1 },
        { weekday: 'friday', hour: 14, hourOfWeek: 110, area: 'unknown', orders: 1, cancelled: 0 },
        { weekday: 'friday', hour: 15, hourOfWeek: 111, area: 'u178m', orders: 2, cancelled: 0 },
      ]);
      expect((await get(dispatcher, `/demand?${fridayAfternoon}&area=unknown`)).body.totals).toEqual({ orders: 1, cancelled: 0 });
      expect((await get(dispatcher, `/demand?${fridayAfternoon}&area=u178mf`)).body.totals).toEqual({ orders: 3, cancelled: 1 });
      // 14:00–16:00 in Amsterdam's summer is 12:00–14:00 UTC.
      expect((await get(dispatcher, `/demand?weekday=friday&fromHour=12&toHour=14&${nearTheHospital}`)).body.totals).toEqual({ orders: 6, cancelled: 1 });
      // …and the order for 16:00 in Amsterdam is one for 14:00 UTC.
      expect((await get(dispatcher, `/demand?weekday=friday&fromHour=14&toHour=16&${nearTheHospital}`)).body.totals).toEqual({ orders: 1, cancelled: 0 });
    });

    it('narrows to days, both included', async () => {
      const oneFriday = await get(dispatcher, `/demand?${fridayAfternoon}&${nearTheHospital}&from=2025-10-17&to=2025-10-17`);
      expect(oneFriday.body).toMatchObject({ from: '2025-10-17', to: '2025-10-17', totals: { orders: 2, cancelled: 1 } });
      expect((await get(dispatcher, `/demand?timeZone=Europe/Amsterdam&from=2025-10-23&to=2025-10-23`)).body.totals).toEqual({ orders: 2, cancelled: 0 });
    });

    it('pages through the counts with a cursor, and the pages add up to the whole', async () => {
      const whole = (await get(dispatcher, '/demand?timeZone=Europe/Amsterdam&areaPrecision=7')).body;
      expect(whole.items.length).toBeGreaterThan(3);
      const paged: unknown[] = [];
      let cursor: string | undefined;
      do {
        const page = (await get(dispatcher, `/demand?timeZone=Europe/Amsterdam&areaPrecision=7&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
        expect(page.totals).toEqual(whole.totals);
        paged.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(whole.items);
    });

    it('exports the same counts as CSV with a header row', async () => {
      const csv = await get(dispatcher, `/demand?${fridayAfternoon}&${nearTheHospital}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="demand.csv"');
      expect(csv.text).toBe(
        ['weekday,hour,hour_of_week,area,orders,cancelled', 'friday,14,110,u178mc,1,0', 'friday,14,110,u178mf,3,1', 'friday,15,111,u178mc,2,0', ''].join(
          '\r\n',
        ),
      );
    });

    it('forecasts a Friday from the Fridays before it, and says which it read', async () => {
      const answer = await get(dispatcher, '/demand/forecast?date=2025-10-31&timeZone=Europe/Amsterdam&weeks=3&deliveriesPerRiderPerHour=1.5');
      expect(answer.status).toBe(200);
      const { hours, ...rest } = answer.body;
      expect(rest).toEqual({
        shopId: shop,
        timeZone: 'Europe/Amsterdam',
        date: '2025-10-31',
        weekday: 'friday',
        history: {
          basis: 'same_weekday',
          asked: 3,
          historyStartsOn: '2025-10-10',
          days: [
            { date: '2025-10-24', orders: 3 },
            { date: '2025-10-17', orders: 2 },
            { date: '2025-10-10', orders: 5 },
          ],
          skipped: [],
        },
        deliveriesPerRiderPerHour: 1.5,
        expectedOrders: 3.33,
        maxRidersNeeded: 2,
      });
      expect(hours).toHaveLength(24);
      expect(hours.filter((h) => h.expectedOrders > 0)).toEqual([
        { hour: 11, expectedOrders: 0.33, ridersNeeded: 1 },
        { hour: 14, expectedOrders: 2, ridersNeeded: 2 },
        { hour: 15, expectedOrders: 0.67, ridersNeeded: 1 },
        { hour: 16, expectedOrders: 0.33, ridersNeeded: 1 },
      ]);
      // Eight weeks asked for, three there: it reads three, and does not make up the rest as zeros.
      expect((await get(dispatcher, '/demand/forecast?date=2025-10-31&timeZone=Europe/Amsterdam')).body).toMatchObject({
        history: { asked: 8, days: [{ date: '2025-10-24' }, { date: '2025-10-17' }, { date: '2025-10-10' }] },
        deliveriesPerRiderPerHour: 3,
        maxRidersNeeded: 1,
      });
    });

    it('is for the shop’s dispatchers and staff, and operators who name it; another shop’s staff find nothing', async () => {
      expect((await get(as({ role: 'staff', shopId: shop }), `/demand?${fridayAfternoon}`)).body.totals).toEqual({ orders: 8, cancelled: 1 });
      expect((await get(as({ role: 'staff', shopId: shop }), `/demand?shopId=${shop}&${fridayAfternoon}`)).body.totals).toEqual({ orders: 8, cancelled: 1 });
      expect((await get(as({ role: 'operator' }), `/demand?shopId=${shop}&${fridayAfternoon}`)).body.totals).toEqual({ orders: 8, cancelled: 1 });
      expect((await get(as({ role: 'operator' }), '/demand')).body).toMatchObject({ code: 'SHOP_REQUIRED' });

      const otherStaff = as({ role: 'staff', shopId: uniqueName('shop') });
      expect((await get(otherStaff, `/demand?shopId=${shop}`)).status).toBe(404);
      expect((await get(otherStaff, `/demand?shopId=${shop}&format=csv`)).status).toBe(404);
      expect((await get(otherStaff, `/demand/forecast?shopId=${shop}&date=2025-10-31`)).status).toBe(404);
      expect((await get(otherStaff, '/demand')).body.totals).toEqual({ orders: 0, cancelled: 0 });
      expect((await get(otherStaff, '/demand/forecast?date=2025-10-31')).body).toMatchObject({ history: { historyStartsOn: null, days: [] }, hours: [] });

      for (const role of ['florist', 'rider'] as const) {
        expect((await get(as({ role, shopId: shop }), '/demand')).status).toBe(403);
        expect((await get(as({ role, shopId: shop }), '/demand/forecast?date=2025-10-31')).status).toBe(403);
      }
      // A customer token, as a tracking link used to carry, is no token at all.
      const refused = await get(customerTokenForgery('o1'), `/demand?shopId=${shop}`);
      expect(refused.status).toBe(401);
      expect(refused.body.totals).toBeUndefined();
    });
  });

  it("forecasts Valentine's Day from the Valentine's Days before it, not from ordinary Saturdays", async () => {
    const shop = uniqueName('shop');
    const valentines = (date: string, count: number) => Array.from({ length: count }, () => [order(shop, `${date}T10:15:00+01:00`, byTheEntrance).placed()]);
    await published(...valentines('2024-02-14', 2), ...valentines('2025-02-14', 4), [order(shop, '2026-02-07T10:15:00+01:00', byTheEntrance).placed()]);

    const forecast = (await get(as({ role: 'staff', shopId: shop }), '/demand/forecast?date=2026-02-14&timeZone=Europe/Amsterdam&deliveriesPerRiderPerHour=2'))
      .body;
    expect(forecast).toMatchObject({
      date: '2026-02-14',
      weekday: 'saturday',
      peakDay: 'valentines_day',
      history: {
        basis: 'peak_day',
        asked: 3,
        historyStartsOn: '2024-02-14',
        days: [
          { date: '2025-02-14', orders: 4 },
          { date: '2024-02-14', orders: 2 },
        ],
      },
      expectedOrders: 3,
      maxRidersNeeded: 2,
    });
    expect(forecast.hours[10]).toEqual({ hour: 10, expectedOrders: 3, ridersNeeded: 2 });
    // An ordinary Saturday leaves the peak day out of its weeks.
    expect((await get(as({ role: 'staff', shopId: shop }), '/demand/forecast?date=2026-02-21&timeZone=Europe/Amsterdam&weeks=1')).body.history).toMatchObject({
      basis: 'same_weekday',
      days: [{ date: '2026-02-07', orders: 1 }],
      skipped: [{ date: '2026-02-14', peakDay: 'valentines_day' }],
    });
  });

  it('counts an order once however often its events are delivered', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const once = order(shop, '2025-10-10T14:30:00+02:00', byTheEntrance);
    const placed = once.placed();
    await published([placed]);
    expect((await get(dispatcher, `/demand?${fridayAfternoon}`)).body.totals).toEqual({ orders: 1, cancelled: 0 });

    // The very same message again (Kafka redelivering), and a copy under another event id, then the order's next event behind them.
    const accepted = once.accepted();
    await published([placed, { ...placed, eventId: randomUUID() }, accepted]);
    expect((await get(dispatcher, `/demand?${fridayAfternoon}`)).body.totals).toEqual({ orders: 1, cancelled: 0 });
  });

  it('forgets where an erased recipient lives, and keeps counting their order under "unknown"', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const alexs = order(shop, '2025-10-10T14:30:00+02:00', byTheEntrance);
    const kims = order(shop, '2025-10-10T14:40:00+02:00', byTheEntrance);
    await published([alexs.placed()], [kims.placed()]);
    expect((await get(dispatcher, `/demand?${fridayAfternoon}&${nearTheHospital}`)).body.totals).toEqual({ orders: 2, cancelled: 0 });

    const erased = personErased(shop, alexs.recipientPersonId!, at);
    await published([erased]);
    expect((await get(dispatcher, `/demand?${fridayAfternoon}&${nearTheHospital}`)).body.totals).toEqual({ orders: 1, cancelled: 0 });
    expect((await get(dispatcher, `/demand?${fridayAfternoon}&area=unknown`)).body.totals).toEqual({ orders: 1, cancelled: 0 });
    const [row] = await service.app.get(DataSource).query(`SELECT area, area_lat, area_lng FROM demand_orders WHERE order_id = $1`, [alexs.orderId]);
    expect(row).toEqual({ area: null, area_lat: null, area_lng: null });

    // An order event still carrying the address, arriving after the erasure (another partition), does not bring it back.
    const late = order(shop, '2025-10-17T14:30:00+02:00', byTheEntrance, alexs.recipientPersonId);
    await published([late.placed()]);
    expect((await get(dispatcher, `/demand?${fridayAfternoon}&area=unknown`)).body.totals).toEqual({ orders: 2, cancelled: 0 });
  });

  it('refuses malformed questions with 400 and the problems listed', async () => {
    const staff = as({ role: 'staff', shopId: uniqueName('shop') });
    for (const query of [
      '/demand?colour=red',
      '/demand?timeZone=Europe/Atlantis',
      '/demand?timeZone=%2B01:00',
      '/demand?fromHour=16&toHour=14',
      '/demand?fromHour=24',
      '/demand?weekday=friyay',
      '/demand?near=the-hospital',
      '/demand?near=91,5',
      '/demand?radiusMeters=300',
      `/demand?near=${hospital.lat},${hospital.lng}&radiusMeters=50000`,
      '/demand?from=2025-10-31&to=2025-10-01',
      '/demand?from=2025-02-30',
      '/demand?area=hospital',
      '/demand?areaPrecision=8',
      '/demand?format=csv&limit=10',
      '/demand?format=xlsx',
      '/demand/forecast',
      '/demand/forecast?date=31-10-2025',
      '/demand/forecast?date=2025-10-31&weeks=0',
      '/demand/forecast?date=2025-10-31&deliveriesPerRiderPerHour=0',
      '/demand/forecast?date=2025-10-31&timeZone=Mars/Olympus',
      '/demand/forecast?date=2025-10-31&colour=red',
    ]) {
      const answer = await get(staff, query);
      expect({ query, status: answer.status, code: answer.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await get(staff, '/demand?cursor=not-one-of-ours')).body).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('documents its parameters in the OpenAPI document', async () => {
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    };
    const names = (path: string) => document.paths[path].get.parameters?.filter((p) => p.in === 'query').map((p) => p.name);
    expect(names('/demand')).toEqual(
      expect.arrayContaining(['near', 'radiusMeters', 'weekday', 'fromHour', 'toHour', 'from', 'to', 'timeZone', 'area', 'areaPrecision', 'format']),
    );
    expect(names('/demand/forecast')).toEqual(expect.arrayContaining(['date', 'timeZone', 'weeks', 'years', 'deliveriesPerRiderPerHour']));
  });
});
