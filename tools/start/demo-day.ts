import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { DEMO_LOOP_RIDER, DEMO_PASSWORD, DEMO_PEOPLE, DEMO_PHONE_RIDER, DEMO_SHOP } from './demo';

/**
 * A living demo day for the console: today's orders spread over the shop's day (some still to
 * accept, some being made, some ready), the demo rider registered and on shift, and — while
 * `npm start` runs — the rider riding a loop through Jing'an, reporting a position every few
 * seconds the way the rider's phone does. Everything goes through the services' own APIs.
 */

interface Urls {
  accounts: string;
  orders: string;
  dispatch: string;
}

type Answer = { status: number; body: Record<string, unknown> };

async function call(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function ok(answer: Answer, what: string): Record<string, unknown> {
  if (answer.status >= 300) throw new Error(`demo day: ${what} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function signIn(urls: Urls, email: string): Promise<{ token: string; personId: string }> {
  const body = ok(await call(urls.accounts, 'POST', '/sessions', undefined, { email, password: DEMO_PASSWORD }), `signing in ${email}`);
  const token = body.accessToken as string;
  const me = ok(await call(urls.accounts, 'GET', '/me', token), 'reading /me');
  return { token, personId: me.personId as string };
}

/** The shop's counter, near Jing'an Temple; the day's addresses lie around it. */
const DEPOT = { lat: 31.2235, lng: 121.4453 };

const ADDRESSES: Array<{
  text: string;
  lat: number;
  lng: number;
  addressType?: 'hospital' | 'business' | 'residence' | 'funeral_home';
  ward?: string;
  room?: string;
}> = [
  { text: '上海市静安区南京西路 1601 号 越洋广场 28 楼', lat: 31.2246, lng: 121.4462, addressType: 'business' },
  { text: '上海市静安区延安中路 221 号 华东医院 南楼', lat: 31.2196, lng: 121.4457, addressType: 'hospital', ward: '心内科 5 病区', room: '512' },
  { text: '上海市静安区常德路 800 号 3 号楼 1202 室', lat: 31.2326, lng: 121.4422 },
  { text: '上海市黄浦区淮海中路 283 号 香港广场', lat: 31.2186, lng: 121.4687, addressType: 'business' },
  { text: '上海市徐汇区宛平南路 600 号', lat: 31.1976, lng: 121.4446, addressType: 'hospital', ward: '门诊大厅' },
  { text: '上海市长宁区愚园路 1107 号 2 楼', lat: 31.2212, lng: 121.4271 },
  { text: '上海市静安区北京西路 1399 号 信达大厦 15 楼', lat: 31.2311, lng: 121.4535, addressType: 'business' },
  { text: '上海市普陀区西康路 1255 号 12 楼', lat: 31.2444, lng: 121.4419 },
  { text: '上海市静安区威海路 696 号 5 号楼', lat: 31.2301, lng: 121.4587 },
  // No point yet: the console flags it, and dispatch asks for one.
  { text: '上海市静安区石门二路 某小区 6 栋 (门卫处转交)', lat: NaN, lng: NaN },
];

const BOUQUETS = [
  { sku: 'ROSE-11', name: '11 枝红玫瑰 Eleven red roses' },
  { sku: 'LILY-6', name: '香水百合 Six lilies' },
  { sku: 'SUN-3', name: '向日葵花束 Sunflowers' },
  { sku: 'CARN-19', name: '康乃馨 Nineteen carnations' },
  { sku: 'WREATH-W', name: '白色花圈 White wreath' },
];
const NAMES = ['李娜', '王芳', 'Emily Chen', '刘洋', '陈静', '赵磊', 'Tom Walker', '孙丽', '周杰', '吴敏'];

/** Makes today's orders unless the shop already has some; registers the rider. */
export async function seedDemoDay(urls: Urls, now = DateTime.now()): Promise<{ orders: number; made: boolean }> {
  const owner = await signIn(urls, DEMO_PEOPLE[0].email);
  const florist = await signIn(urls, DEMO_PEOPLE[1].email);
  const loopRider = await signIn(urls, DEMO_LOOP_RIDER.email);
  const phoneRider = await signIn(urls, DEMO_PHONE_RIDER.email);
  const today = now.setZone(DEMO_SHOP.timeZone).startOf('day');

  // Two-hour delivery slots of six places (thirty on Valentine's Day): the order form offers what is free.
  const me = ok(await call(urls.accounts, 'GET', '/me', owner.token), 'reading the shop');
  const shopId = (me.memberships as Array<{ shopId: string }>)[0].shopId;
  const valentines = DateTime.fromObject({ year: today.year, month: 2, day: 14 }, { zone: DEMO_SHOP.timeZone });
  ok(
    await call(urls.orders, 'PUT', `/shops/${shopId}/delivery-slots`, owner.token, {
      timeZone: DEMO_SHOP.timeZone,
      slotMinutes: 120,
      capacity: 6,
      overrides: [{ date: (valentines < today ? valentines.plus({ years: 1 }) : valentines).toISODate(), capacity: 30 }],
    }),
    'planning delivery slots',
  );
  ok(
    await call(urls.dispatch, 'PUT', '/dispatch-settings', owner.token, { autoApply: false, depot: DEPOT, timeZone: DEMO_SHOP.timeZone }),
    'dispatch settings',
  );
  // Both riders ride for the shop: one for the loop, on shift from the start; the other for a
  // person trying the rider's app on their phone, who goes on shift there.
  for (const [rider, person, phone] of [
    [loopRider, DEMO_LOOP_RIDER, '13800138001'],
    [phoneRider, DEMO_PHONE_RIDER, '13800138000'],
  ] as const) {
    const existing = await call(urls.dispatch, 'GET', `/riders/${rider.personId}`, owner.token);
    if (existing.status === 404)
      ok(
        await call(urls.dispatch, 'POST', '/riders', owner.token, {
          riderId: rider.personId,
          name: person.displayName,
          phone,
          vehicle: { kind: 'e-bike', capacity: 8 },
        }),
        `registering ${person.email}`,
      );
  }
  ok(await call(urls.dispatch, 'PUT', '/riders/me/availability', loopRider.token, { availability: 'on_shift' }), 'rider on shift');

  const listed = ok(
    await call(
      urls.orders,
      'GET',
      `/orders?windowFrom=${encodeURIComponent(today.toISO()!)}&windowTo=${encodeURIComponent(today.plus({ days: 1 }).toISO()!)}&limit=1`,
      owner.token,
    ),
    'listing today',
  );
  if ((listed.items as unknown[]).length > 0) return { orders: 0, made: false };

  // Two-hour windows from the last hour onwards (none already over), so the board shows a day in motion.
  const firstWindow = now.setZone(DEMO_SHOP.timeZone).startOf('hour').minus({ hours: 1 });
  let made = 0;
  for (const [i, address] of ADDRESSES.entries()) {
    const from = firstWindow.plus({ minutes: i * 45 });
    const bouquet = BOUQUETS[i % BOUQUETS.length];
    const sympathy = bouquet.sku === 'WREATH-W';
    const placed = ok(
      await call(
        urls.orders,
        'POST',
        '/orders',
        owner.token,
        {
          reference: `HY-${today.toFormat('MMdd')}-${String(i + 1).padStart(3, '0')}`,
          orderType: sympathy ? 'sympathy' : 'gift',
          source: i % 3 === 0 ? 'web' : 'phone',
          items: [{ ...bouquet, quantity: 1 }],
          deliveryWindow: { from: from.toISO(), to: from.plus({ hours: 2 }).toISO(), timeZone: DEMO_SHOP.timeZone },
          ...(sympathy ? { deadline: from.plus({ hours: 2 }).toISO() } : {}),
          buyer: { name: NAMES[(i + 3) % NAMES.length], phone: `139${String(10000000 + i * 7919).slice(0, 8)}` },
          recipient: {
            name: NAMES[i % NAMES.length],
            phone: `138${String(20000000 + i * 6007).slice(0, 8)}`,
            ...(address.addressType ? { addressType: address.addressType } : {}),
            address: {
              text: address.text,
              ...(Number.isFinite(address.lat) ? { geo: { lat: address.lat, lng: address.lng } } : {}),
              ...(address.ward ? { ward: address.ward } : {}),
              ...(address.room ? { room: address.room } : {}),
            },
          },
          anonymousSender: i === 4,
          cardMessage: ['生日快乐，愿你每天都像花一样灿烂！', '早日康复 Get well soon', '谢谢你一直以来的照顾', 'Happy anniversary — love, J.'][i % 4],
          price: { amountMinor: 29900 + i * 1000, currency: DEMO_SHOP.currency },
          paid: i % 4 !== 1,
        },
        { 'idempotency-key': `demo-${today.toISODate()}-${i}` },
      ),
      'placing an order',
    );
    made += 1;
    const orderId = placed.orderId as string;
    // The earlier windows are further along: accepted, being made, ready for the rider.
    if (i < 7) ok(await call(urls.orders, 'POST', `/orders/${orderId}/accept`, owner.token, {}), 'accepting');
    if (i < 4) ok(await call(urls.orders, 'POST', `/orders/${orderId}/production/start`, florist.token, {}), 'starting production');
    // Two being made are already the phone rider's: their run has stops to pick up once the florist finishes.
    if (i === 1 || i === 2)
      ok(await call(urls.orders, 'POST', `/orders/${orderId}/rider`, owner.token, { riderId: phoneRider.personId }), 'assigning the rider');
  }
  return { orders: made, made: true };
}

/**
 * The demo rider's phone: a position every few seconds along a loop through the day's
 * addresses, signed in afresh before the access token ends. Returns a stop function.
 */
export function rideDemoLoop(urls: Urls, everyMs = 4000): () => void {
  const stops = [DEPOT, ...ADDRESSES.filter((a) => Number.isFinite(a.lat)).slice(0, 5), DEPOT];
  let step = 0;
  let rider: { token: string; signedAt: number } | undefined;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      if (!rider || Date.now() - rider.signedAt > 10 * 60_000) rider = { token: (await signIn(urls, DEMO_LOOP_RIDER.email)).token, signedAt: Date.now() };
      // Twenty fixes between two stops: about a minute and a half per leg at the default pace.
      const leg = Math.floor(step / 20) % (stops.length - 1);
      const t = (step % 20) / 20;
      const [a, b] = [stops[leg], stops[leg + 1]];
      // Each report with its own id, as the rider's app sends them.
      const position = {
        id: randomUUID(),
        lat: a.lat + (b.lat - a.lat) * t,
        lng: a.lng + (b.lng - a.lng) * t,
        accuracy: 12,
        recordedAt: new Date().toISOString(),
      };
      await call(urls.dispatch, 'POST', '/riders/me/positions', rider.token, { positions: [position] });
      step += 1;
    } catch {
      // The services restart under supervision; the next tick tries again.
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
