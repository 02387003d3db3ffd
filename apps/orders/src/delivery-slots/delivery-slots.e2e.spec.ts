import { developmentTokens, type Principal } from '@petalpost/auth';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../orders.config';
import { ordersService } from '../orders.service';

const tokens = developmentTokens();
const as = (role: Principal['role'], shopId: string, name = 'alice') => tokens.sign({ role, shopId, sub: `${name}@${shopId}` } as Principal);
const operator = tokens.sign({ role: 'operator', sub: 'operator-on-duty' });

type Body = Record<string, unknown> & { code?: string };

/**
 * The delivery slot plan read back as the shop set it, against the real orders service and
 * PostgreSQL: the owner's screen starts from it instead of guessing from a day's availability.
 */
describe('reading the delivery slot plan back (real orders service and Postgres)', () => {
  let service: RunningService<OrdersConfig>;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  const planEvents = async (shopId: string) =>
    Number((await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`slot-plan-${shopId}`]))[0].n);

  beforeAll(async () => {
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: await createTestNamespace() });
  });
  afterAll(() => service?.app.close());

  it('answers the plan as last set, special dates in date order, to the shop’s staff and operators', async () => {
    const shopId = uniqueName('shop');
    const staff = as('staff', shopId);
    const none = await call('GET', `/shops/${shopId}/delivery-slots/plan`, staff);
    expect([none.status, none.body.code]).toEqual([404, 'NO_SLOT_PLAN']);

    const first = { timeZone: 'Asia/Shanghai', slotMinutes: 120, capacity: 8, overrides: [] };
    expect((await call('PUT', `/shops/${shopId}/delivery-slots`, staff, first)).status).toBe(200);
    const second = {
      timeZone: 'Asia/Shanghai',
      slotMinutes: 90,
      capacity: 6,
      overrides: [
        { date: '2027-05-09', capacity: 12 },
        { date: '2027-02-14', capacity: 20 },
      ],
    };
    const before = Date.now();
    expect((await call('PUT', `/shops/${shopId}/delivery-slots`, staff, second)).status).toBe(200);

    const plan = await call('GET', `/shops/${shopId}/delivery-slots/plan`, staff);
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({
      shopId,
      timeZone: 'Asia/Shanghai',
      slotMinutes: 90,
      capacity: 6,
      overrides: [
        { date: '2027-02-14', capacity: 20 },
        { date: '2027-05-09', capacity: 12 },
      ],
      plannedAt: expect.any(String),
    });
    expect(Date.parse(plan.body.plannedAt as string)).toBeGreaterThanOrEqual(before - 1000);
    expect((await call('GET', `/shops/${shopId}/delivery-slots/plan`, operator)).body).toEqual(plan.body);

    // Reading changes nothing, and is the shop's own: other roles are refused, another shop's staff told it is not there.
    expect(await planEvents(shopId)).toBe(2);
    for (const role of ['florist', 'rider', 'dispatcher'] as const) {
      const refused = await call('GET', `/shops/${shopId}/delivery-slots/plan`, as(role, shopId));
      expect([role, refused.status, refused.body.code]).toEqual([role, 403, 'ROLE_NOT_ALLOWED']);
    }
    const elsewhere = await call('GET', `/shops/${shopId}/delivery-slots/plan`, as('staff', uniqueName('shop')));
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'SHOP_NOT_FOUND']);
  });
});
