import { developmentTokens, type Principal } from '@petalpost/auth';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, customerTokenForgery, eventually, startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from './orders.config';
import { ordersService } from './orders.service';

const tokens = developmentTokens();
const hour = 3_600_000;

/** A window starting in `hoursAhead` hours: the decider refuses windows that are already over. */
const windowIn = (hoursAhead: number) => ({
  from: new Date(Date.now() + hoursAhead * hour).toISOString(),
  to: new Date(Date.now() + (hoursAhead + 2) * hour).toISOString(),
  timeZone: 'Europe/Amsterdam',
});

const getWell = () => ({
  reference: uniqueName('WEB'),
  orderType: 'gift',
  items: [{ sku: 'TULIP-20', name: 'Twenty tulips', quantity: 1 }],
  deliveryWindow: windowIn(4),
  buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678', email: 'sam@example.com' },
  recipient: {
    name: 'Alex Recipient',
    phone: '+31 6 8765 4321',
    addressType: 'hospital',
    address: { text: 'Ziekenhuislaan 1, Utrecht', ward: 'B3', room: '12' },
  },
  cardMessage: 'Get well soon, love Sam',
  price: { amountMinor: 4950, currency: 'EUR' },
});

type View = Record<string, unknown> & { status: string; code?: string };

describe('an order’s life and who may see and do what (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let shop: string;
  let otherShop: string;
  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const call = async (method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: View }> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as View };
  };
  const eventsOf = async (orderId: string) =>
    Number((await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`order-${orderId}`]))[0].n);

  let staff: string;
  let florist: string;
  let dispatcher: string;
  let riderLi: string;
  let riderMo: string;
  let operator: string;
  let staffOfOtherShop: string;

  /** A fresh order of `shop`, moved along its life up to `stage` by staff and dispatch. */
  const orderAt = async (stage: 'placed' | 'accepted' | 'ready' | 'assigned' | 'out_for_delivery') => {
    const placed = await call('POST', '/orders', staff, getWell());
    expect(placed.status).toBe(201);
    const id = placed.body.orderId as string;
    const steps: Array<[string, string, unknown?]> = [
      ['accept', staff],
      ['production/start', staff],
      ['production/finish', staff],
      ['rider', dispatcher, { riderId: 'li' }],
      ['pickup', riderLi, { pickupCode: placed.body.pickupCode }],
    ];
    const upTo = { placed: 0, accepted: 1, ready: 3, assigned: 4, out_for_delivery: 5 }[stage];
    for (const [path, token, body] of steps.slice(0, upTo)) expect((await call('POST', `/orders/${id}/${path}`, token, body)).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: await createTestNamespace() });
    shop = uniqueName('shop');
    otherShop = uniqueName('shop');
    staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
    florist = as({ role: 'florist', shopId: shop, sub: 'flo' });
    dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dan' });
    riderLi = as({ role: 'rider', shopId: shop, sub: 'li' });
    riderMo = as({ role: 'rider', shopId: shop, sub: 'mo' });
    operator = as({ role: 'operator', sub: 'olga' });
    staffOfOtherShop = as({ role: 'staff', shopId: otherShop, sub: 'bob' });
  });
  afterAll(() => service?.app.close());

  it('goes from placed to delivered, each step by the role that does it, and staff see the proof', async () => {
    const placed = await call('POST', '/orders', staff, getWell());
    expect(placed.status).toBe(201);
    const id = placed.body.orderId as string;
    const step = async (path: string, token: string, body?: unknown) => {
      const { status, body: view } = await call('POST', `/orders/${id}/${path}`, token, body);
      expect({ path, status }).toEqual({ path, status: 200 });
      return view;
    };

    await step('accept', staff);
    await step('production/start', florist);
    await step('production/photos', florist, { photoRef: 'photos/arrangement-1.jpg' });
    expect((await step('production/finish', florist)).status).toBe('ready');
    expect((await step('rider', dispatcher, { riderId: 'li' })).riderId).toBe('li');
    expect((await step('pickup', riderLi, { pickupCode: placed.body.pickupCode })).status).toBe('out_for_delivery');
    const delivered = await step('delivery', riderLi, {
      outcome: { kind: 'reception' },
      receivedBy: 'Nurse Jansen',
      proof: { photoRef: 'photos/proof-1.jpg', position: { lat: 52.09, lng: 5.12 } },
    });
    expect(delivered).toMatchObject({ status: 'delivered', delivery: { outcome: { kind: 'reception' }, receivedBy: 'Nurse Jansen' } });

    const { status, body: progress } = await call('GET', `/orders/${id}`, staff);
    expect(status).toBe(200);
    expect(progress).toMatchObject({
      status: 'delivered',
      arrangementPhotos: ['photos/arrangement-1.jpg'],
      delivery: { outcome: { kind: 'reception' }, proof: { photoRef: 'photos/proof-1.jpg', position: { lat: 52.09, lng: 5.12 } } },
      recipient: { name: 'Alex Recipient' },
    });
    expect(Object.keys(progress.reachedAt as object)).toEqual(
      expect.arrayContaining(['placed', 'accepted', 'in_production', 'ready', 'out_for_delivery', 'delivered']),
    );

    // The audit trail names who did each step.
    const history = await call('GET', `/orders/${id}/history`, staff);
    const actors = (history.body.items as Array<{ type: string; actor: { role: string; subject: string } }>).map((e) => [
      e.type,
      e.actor.role,
      e.actor.subject,
    ]);
    expect(actors).toEqual([
      ['OrderPlaced', 'staff', 'alice'],
      ['OrderAccepted', 'staff', 'alice'],
      ['ProductionStarted', 'florist', 'flo'],
      ['ArrangementPhotoAttached', 'florist', 'flo'],
      ['ArrangementFinished', 'florist', 'flo'],
      ['RiderAssigned', 'dispatcher', 'dan'],
      ['OutForDelivery', 'rider', 'li'],
      ['OrderDelivered', 'rider', 'li'],
    ]);
  });

  it('refuses an illegal step with 409, the reason and the current state, and appends nothing', async () => {
    const id = await orderAt('out_for_delivery');
    const before = await eventsOf(id);
    const { status, body } = await call('POST', `/orders/${id}/cancel`, staff, { reason: 'customer changed their mind' });
    expect(status).toBe(409);
    expect(body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE', details: { status: 'out_for_delivery' } });
    expect(await eventsOf(id)).toBe(before);
  });

  describe('row by row, the table of docs/orders.md', () => {
    it('staff of the shop see everything, including the buyer’s contact and the card', async () => {
      const id = await orderAt('accepted');
      const { status, body } = await call('GET', `/orders/${id}`, staff);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678' },
        recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Ziekenhuislaan 1, Utrecht', ward: 'B3', room: '12' } },
        cardMessage: 'Get well soon, love Sam',
        price: { amountMinor: 4950, currency: 'EUR' },
      });
    });

    it('an operator sees orders of every shop', async () => {
      const id = await orderAt('placed');
      expect((await call('GET', `/orders/${id}`, operator)).body).toMatchObject({ shopId: shop, buyer: { name: 'Sam Buyer' } });
    });

    it('staff of another shop get 404 for reading and for acting, and change nothing', async () => {
      const id = await orderAt('placed');
      const before = await eventsOf(id);
      expect((await call('GET', `/orders/${id}`, staffOfOtherShop)).status).toBe(404);
      expect((await call('GET', `/orders/${id}/history`, staffOfOtherShop)).status).toBe(404);
      expect((await call('POST', `/orders/${id}/accept`, staffOfOtherShop)).status).toBe(404);
      expect(await eventsOf(id)).toBe(before);
    });

    it('a florist sees the arrangement and the card, the recipient’s name only and never the buyer', async () => {
      const id = await orderAt('accepted');
      const { status, body } = await call('GET', `/orders/${id}`, florist);
      expect(status).toBe(200);
      expect(body).toMatchObject({ items: [{ sku: 'TULIP-20' }], cardMessage: 'Get well soon, love Sam', recipient: { name: 'Alex Recipient' } });
      expect(body).not.toHaveProperty('buyer');
      expect(body).not.toHaveProperty('price');
      expect(JSON.stringify(body)).not.toContain('+31 6');
    });

    it('a florist’s list is the production queue of their shop', async () => {
      // Placed first: once the projection shows the later acceptance, it has seen this order too.
      const waiting = await orderAt('placed');
      const queued = await orderAt('accepted');
      // The list is a projection: it catches up with the log shortly after.
      const ids = await eventually(async () => {
        const list = await call('GET', `/orders?shopId=${shop}&limit=200`, florist);
        expect(list.status).toBe(200);
        const found = (list.body.items as Array<{ orderId: string }>).map((o) => o.orderId);
        expect(found).toContain(queued);
        return found;
      });
      expect(ids).not.toContain(waiting);
      expect((await call('GET', `/orders?shopId=${shop}&limit=200`, staff)).body.items).toContainEqual(expect.objectContaining({ orderId: waiting }));
    });

    it('a florist makes arrangements but does not accept orders or hand them to riders', async () => {
      const id = await orderAt('accepted');
      expect((await call('POST', `/orders/${id}/production/start`, florist)).status).toBe(200);
      const before = await eventsOf(id);
      expect((await call('POST', `/orders/${id}/cancel`, florist, { reason: 'no' })).status).toBe(403);
      expect((await call('POST', `/orders/${id}/rider`, florist, { riderId: 'li' })).status).toBe(403);
      expect(await eventsOf(id)).toBe(before);
    });

    it('a dispatcher sees where and to whom it goes, never who sent it or what the card says', async () => {
      const id = await orderAt('ready');
      const { status, body } = await call('GET', `/orders/${id}`, dispatcher);
      expect(status).toBe(200);
      expect(body).toMatchObject({ addressType: 'hospital', recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { ward: 'B3' } } });
      expect(body).not.toHaveProperty('buyer');
      expect(body).not.toHaveProperty('cardMessage');
      expect(JSON.stringify(body)).not.toContain('Sam');
    });

    it('a dispatcher assigns and unassigns riders but does not accept or cancel orders', async () => {
      const id = await orderAt('ready');
      expect((await call('POST', `/orders/${id}/rider`, dispatcher, { riderId: 'mo' })).body.riderId).toBe('mo');
      expect((await call('POST', `/orders/${id}/rider/unassign`, dispatcher, { riderId: 'mo' })).status).toBe(200);
      expect((await call('POST', `/orders/${id}/cancel`, dispatcher, { reason: 'no' })).status).toBe(403);
    });

    it('the assigned rider sees the recipient’s contact and address, not the buyer or the card', async () => {
      const id = await orderAt('assigned');
      const { status, body } = await call('GET', `/orders/${id}`, riderLi);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        riderId: 'li',
        recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Ziekenhuislaan 1, Utrecht' } },
      });
      expect(body).not.toHaveProperty('buyer');
      expect(body).not.toHaveProperty('cardMessage');
      expect(JSON.stringify(body)).not.toContain('Sam');
    });

    it('another rider gets 404 for the order, for picking it up and for delivering it, and changes nothing', async () => {
      const id = await orderAt('assigned');
      const before = await eventsOf(id);
      expect((await call('GET', `/orders/${id}`, riderMo)).status).toBe(404);
      expect((await call('POST', `/orders/${id}/pickup`, riderMo)).status).toBe(404);
      expect((await call('POST', `/orders/${id}/delivery`, riderMo, { outcome: { kind: 'recipient' } })).status).toBe(404);
      expect(await eventsOf(id)).toBe(before);
      // The assigned rider is not refused.
      const { pickupCode } = (await call('GET', `/orders/${id}`, staff)).body;
      expect((await call('POST', `/orders/${id}/pickup`, riderLi, { pickupCode })).status).toBe(200);
    });

    it('a rider loses sight of an order once unassigned', async () => {
      const id = await orderAt('assigned');
      expect((await call('GET', `/orders/${id}`, riderLi)).status).toBe(200);
      expect((await call('POST', `/orders/${id}/rider/unassign`, dispatcher, { riderId: 'li' })).status).toBe(200);
      expect((await call('GET', `/orders/${id}`, riderLi)).status).toBe(404);
    });

    it('a rider unassigned from an order cannot read it as of a time while assigned', async () => {
      const id = await orderAt('assigned');
      const whileAssigned = new Date().toISOString();
      expect((await call('POST', `/orders/${id}/rider/unassign`, dispatcher, { riderId: 'li' })).status).toBe(200);
      const then = await call('GET', `/orders/${id}?asOf=${encodeURIComponent(whileAssigned)}`, riderLi);
      expect(then.status).toBe(404);
      expect(JSON.stringify(then.body)).not.toContain('Alex Recipient');
      expect(JSON.stringify(then.body)).not.toContain('+31 6 8765 4321');
    });

    it('only staff and operators read an order as of a past time; others who see it get 400, others who do not 404', async () => {
      const id = await orderAt('assigned');
      const asOf = `?asOf=${encodeURIComponent(new Date().toISOString())}`;
      for (const token of [staff, operator]) expect((await call('GET', `/orders/${id}${asOf}`, token)).status).toBe(200);
      for (const token of [florist, dispatcher, riderLi]) {
        const { status, body } = await call('GET', `/orders/${id}${asOf}`, token);
        expect({ status, code: body.code }).toEqual({ status: 400, code: 'AS_OF_STAFF_ONLY' });
      }
      for (const token of [riderMo, staffOfOtherShop]) expect((await call('GET', `/orders/${id}${asOf}`, token)).status).toBe(404);
      expect((await call('GET', `/orders/${id}${asOf}`, customerTokenForgery(id))).status).toBe(401);
    });

    it('the rider who delivered an order reads it during the grace period after delivery', async () => {
      const id = await orderAt('out_for_delivery');
      expect((await call('POST', `/orders/${id}/delivery`, riderLi, { outcome: { kind: 'recipient' } })).status).toBe(200);
      expect((await call('GET', `/orders/${id}`, riderLi)).status).toBe(200);
      await eventually(async () => {
        const { body } = await call('GET', '/orders', riderLi);
        expect((body.items as Array<{ orderId: string; status: string }>).find((o) => o.orderId === id)?.status).toBe('delivered');
      });
    });

    it('a rider loses sight of a delivered order once the grace period after delivery is over', async () => {
      const noGrace = await startTestService(ordersService, { KAFKA_NAMESPACE: await createTestNamespace(), RIDER_GRACE_MINUTES: '0' });
      try {
        const post = (path: string, token: string, body?: unknown) =>
          fetch(`${noGrace.url}${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body ?? {}),
          });
        const get = (path: string, token: string) => fetch(`${noGrace.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        const placed = (await (await post('/orders', staff, getWell())).json()) as View;
        const id = placed.orderId as string;
        for (const [path, token, body] of [
          ['accept', staff],
          ['production/start', staff],
          ['production/finish', staff],
          ['rider', dispatcher, { riderId: 'li' }],
          ['pickup', riderLi, { pickupCode: placed.pickupCode }],
          ['delivery', riderLi, { outcome: { kind: 'recipient' } }],
        ] as Array<[string, string, unknown?]>) {
          expect({ path, status: (await post(`/orders/${id}/${path}`, token, body)).status }).toEqual({ path, status: 200 });
        }
        const seen = await get(`/orders/${id}`, riderLi);
        expect(seen.status).toBe(404);
        expect(await seen.text()).not.toContain('Alex Recipient');
        expect((await get(`/orders/${id}`, staff)).status).toBe(200);
        // Nor is it in their list, once the list shows it delivered.
        const listed = async (token: string) => ((await (await get('/orders', token)).json()) as { items: Array<{ orderId: string; status: string }> }).items;
        await eventually(async () => expect((await listed(staff)).find((o) => o.orderId === id)?.status).toBe('delivered'));
        expect((await listed(riderLi)).map((o) => o.orderId)).not.toContain(id);
      } finally {
        await noGrace.app.close();
      }
    });

    it('a rider may not accept, cancel, assign or read the audit trail', async () => {
      const id = await orderAt('assigned');
      expect((await call('POST', `/orders/${id}/cancel`, riderLi, { reason: 'no' })).status).toBe(403);
      expect((await call('POST', `/orders/${id}/rider`, riderLi, { riderId: 'li' })).status).toBe(403);
      expect((await call('GET', `/orders/${id}/history`, riderLi)).status).toBe(403);
    });

    // A customer follows a tracking link to /track in the notifications service; the API takes no customer token.
    it('a customer token, as a tracking link used to carry, reads nothing of its own order: 401', async () => {
      const id = await orderAt('assigned');
      const { status, body } = await call('GET', `/orders/${id}`, customerTokenForgery(id));
      expect(status).toBe(401);
      for (const secret of ['Alex Recipient', 'Ziekenhuislaan', '4950', 'TULIP-20']) expect(JSON.stringify(body)).not.toContain(secret);
      expect((await call('GET', '/orders', customerTokenForgery(id))).status).toBe(401);
    });

    it('a customer token gets 401 for any other order and for acting on its own, and changes nothing', async () => {
      const mine = await orderAt('placed');
      const theirs = await orderAt('placed');
      const customer = customerTokenForgery(mine);
      const before = await eventsOf(mine);
      expect((await call('GET', `/orders/${theirs}`, customer)).status).toBe(401);
      expect((await call('POST', `/orders/${mine}/cancel`, customer, { reason: 'no' })).status).toBe(401);
      expect((await call('POST', `/orders/${mine}/accept`, customer)).status).toBe(401);
      expect((await call('GET', `/orders/${mine}/history`, customer)).status).toBe(401);
      expect(await eventsOf(mine)).toBe(before);
    });

    it('nobody without a token reads or acts', async () => {
      const id = await orderAt('placed');
      expect((await call('GET', `/orders/${id}`, undefined)).status).toBe(401);
      expect((await call('POST', `/orders/${id}/accept`, undefined)).status).toBe(401);
    });
  });
});
