import { developmentTokens, type Principal } from '@petalpost/auth';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, uniqueName } from '@petalpost/testing';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';

type Status = { name: string; ready: boolean; lag?: number; rebuild?: { state: string; eventsDone: number; lag: number; head: number } };

/** The operators' projections API as the dispatch service mounts it: both of its projection sets, one rebuilt while riders keep answering. */
describe('dispatch projections for operators (real service, Postgres and Kafka)', () => {
  const tokens = developmentTokens();
  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const shop = uniqueName('shop');
  const operator = as({ role: 'operator' });
  const dispatcher = as({ role: 'dispatcher', shopId: shop });
  let service: RunningService<DispatchConfig>;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { items?: Status[] } };
  };
  const statuses = async () => {
    const answer = await call(operator, 'GET', '/admin/projections');
    expect(answer.status).toBe(200);
    return answer.body.items!;
  };
  const riders = async () => ((await call(dispatcher, 'GET', '/riders')).body.items ?? []).map((r) => (r as unknown as { riderId: string }).riderId).sort();

  beforeAll(async () => {
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: await createTestNamespace() });
    for (const n of [1, 2, 3]) {
      const registered = await call(dispatcher, 'POST', '/riders', {
        riderId: `${shop}-rider-${n}`,
        name: `Rider ${n}`,
        phone: '+31 6 1111 2222',
        vehicle: { kind: 'e-bike', capacity: 6 },
      });
      expect(registered.status).toBe(201);
    }
  });
  afterAll(() => service?.app.close());

  it('shows operators the board arrivals, riders and plans projections with their lag, and nobody else', async () => {
    await eventually(async () =>
      expect((await statuses()).map((p) => [p.name, p.ready, p.lag])).toEqual([
        ['delivery-arrivals', true, 0],
        ['plans', true, 0],
        ['riders', true, 0],
      ]),
    );
    expect((await call(dispatcher, 'GET', '/admin/projections')).status).toBe(403);
    expect((await call(dispatcher, 'POST', '/admin/projections/riders/rebuild', {})).status).toBe(403);
  });

  it('rebuilds the riders projection on request with its progress readable, and lists the same riders after', async () => {
    const before = await eventually(async () => {
      const listed = await riders();
      expect(listed).toHaveLength(3);
      return listed;
    });
    const started = await call(operator, 'POST', '/admin/projections/riders/rebuild', {});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ projection: 'riders', state: 'running', eventsDone: 0 });
    expect(started.body.lag).toBeGreaterThanOrEqual(3);
    const done = await eventually(async () => {
      const rebuild = (await statuses()).find((p) => p.name === 'riders')?.rebuild;
      expect(rebuild).toMatchObject({ state: 'done', lag: 0 });
      return rebuild!;
    });
    expect(done.eventsDone).toBeGreaterThanOrEqual(3);
    expect(await riders()).toEqual(before);
    expect((await call(operator, 'POST', '/admin/projections/deliveries/rebuild', {})).status).toBe(404);
  });
});
