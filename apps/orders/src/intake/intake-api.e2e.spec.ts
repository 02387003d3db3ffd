import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { developmentTokens, type Principal } from '@petalpost/auth';
import type { RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, startTestService } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../orders.config';
import { ordersService } from '../orders.service';

const PASSWORD = 'peonies for the front window';
// Valentine's Day of next year: never over, and Amsterdam keeps +01:00 all month.
const day = `${new Date().getUTCFullYear() + 1}-02-14`;
const window = { from: `${day}T13:00:00+01:00`, to: `${day}T15:00:00+01:00`, timeZone: 'Europe/Amsterdam' };
const roses = (externalRef: string) => ({
  source: 'pos-front-desk',
  externalRef,
  channel: 'phone',
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: window,
  buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678' },
  recipient: { name: 'Alex Recipient', address: { text: 'Lindenlaan 3, Utrecht' } },
  cardMessage: 'Happy birthday, love Sam',
  paid: true,
});

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

/**
 * The generic intake API and CSV imports against the real orders service (in this process, on the
 * run's PostgreSQL and Kafka) and a real accounts service (its own process) that issues the shops'
 * API keys and their tokens; the orders service verifies those against the accounts JWKS.
 */
describe('orders from a shop’s own systems: the intake API and CSV imports', () => {
  let accounts: ServiceProcess;
  let orders: RunningService<OrdersConfig>;
  const shops: Record<'a' | 'b', { shopId: string; apiKeyToken: string; staff: string }> = {} as never;
  const tokens = developmentTokens();

  const call = async (method: string, path: string, options: { token?: string; body?: unknown; csv?: string | Buffer; service?: { url: string } } = {}) => {
    const response = await fetch(`${(options.service ?? orders).url}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.csv !== undefined ? { 'content-type': 'text/csv' } : {}),
      },
      body: options.csv ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json');
    return { status: response.status, body: json && text ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: response.headers } as Answer;
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await orders.app.get(DataSource).query(sql, params))[0].n);
  const placedEvents = () => count(`SELECT count(*) AS n FROM events WHERE type = 'OrderPlaced'`);

  /** A shop signed up at the accounts service, an API key of it exchanged for a token, and a staff token of it. */
  const shopWithApiKey = async (name: string, namespace: string) => {
    const ownerEmail = `${name}-${namespace}@bloom.example`;
    const created = await call('POST', '/shops', {
      service: accounts,
      body: { name, timeZone: 'Europe/Amsterdam', owner: { email: ownerEmail, displayName: 'Owner', password: PASSWORD } },
    });
    expect(created.status).toBe(201);
    const shopId = created.body.shopId as string;
    const session = await call('POST', '/sessions', { service: accounts, body: { email: ownerEmail, password: PASSWORD } });
    const key = await call('POST', `/shops/${shopId}/api-keys`, {
      service: accounts,
      token: session.body.accessToken as string,
      body: { label: 'till', scopes: ['orders:write', 'orders:read'] },
    });
    expect(key.status).toBe(201);
    const exchanged = await fetch(`${accounts.url}/api-keys/token`, { method: 'POST', headers: { authorization: `Bearer ${key.body.secret as string}` } });
    expect(exchanged.status).toBe(200);
    const apiKeyToken = ((await exchanged.json()) as { accessToken: string }).accessToken;
    return { shopId, apiKeyToken, staff: tokens.sign({ role: 'staff', sub: `${name}-staff`, shopId } as Principal) };
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    accounts = await startServiceProcess('accounts', { KAFKA_NAMESPACE: namespace });
    orders = await startTestService(ordersService, {
      KAFKA_NAMESPACE: namespace,
      AUTH_JWKS_URL: `${accounts.url}/.well-known/jwks.json`,
      // Small enough that the test can send a file over the limit.
      ORDERS_INTAKE_IMPORT_MAX_MB: '1',
      // A stopped replica's import is taken over within the test.
      ORDERS_INTAKE_IMPORT_SWEEP_MS: '200',
    });
    shops.a = await shopWithApiKey('tulip-lane', namespace);
    shops.b = await shopWithApiKey('iris-row', namespace);
  }, 120_000);
  afterAll(async () => {
    await orders?.app.close();
    await accounts?.stop();
  });

  describe('POST /intake/orders with a shop API key', () => {
    it('places the order, and the same source and reference again answers the same and places nothing', async () => {
      const first = await call('POST', '/intake/orders', { token: shops.a.apiKeyToken, body: roses('T-1001') });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ outcome: 'placed', source: 'pos-front-desk', externalRef: 'T-1001', orderId: expect.any(String) });
      const order = await call('GET', `/orders/${first.body.orderId as string}`, { token: shops.a.apiKeyToken });
      expect(order.body).toMatchObject({ shopId: shops.a.shopId, status: 'placed', reference: 'T-1001', source: 'phone', paid: true });

      const before = await placedEvents();
      const again = await call('POST', '/intake/orders', { token: shops.a.apiKeyToken, body: roses('T-1001') });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await placedEvents()).toBe(before);
    });

    it('shows another shop’s key nothing of it (404) and lets it not touch it', async () => {
      const placed = await call('POST', '/intake/orders', { token: shops.a.apiKeyToken, body: roses('T-2002') });
      expect(placed.status).toBe(201);
      const orderId = placed.body.orderId as string;

      expect((await call('GET', '/intake/orders/pos-front-desk/T-2002', { token: shops.a.apiKeyToken })).body).toMatchObject({ outcome: 'placed', orderId });
      const lookup = await call('GET', '/intake/orders/pos-front-desk/T-2002', { token: shops.b.apiKeyToken });
      expect({ status: lookup.status, code: lookup.body.code }).toEqual({ status: 404, code: 'INTAKE_ORDER_NOT_FOUND' });
      expect((await call('GET', `/orders/${orderId}`, { token: shops.b.apiKeyToken })).status).toBe(404);
      // The same names from another shop are that shop's own order, never this one.
      const theirs = await call('POST', '/intake/orders', { token: shops.b.apiKeyToken, body: roses('T-2002') });
      expect(theirs.status).toBe(201);
      expect(theirs.body.orderId).not.toBe(orderId);
      // Naming the other shop outright is refused as not found.
      const named = await call('POST', '/intake/orders', { token: shops.b.apiKeyToken, body: { ...roses('T-2003'), shopId: shops.a.shopId } });
      expect(named.status).toBe(404);
      expect((await call('GET', `/orders/${orderId}`, { token: shops.a.apiKeyToken })).body).toMatchObject({ status: 'placed', version: 1 });
    });

    it('refuses unknown fields with 400 and stores nothing', async () => {
      const typo = await call('POST', '/intake/orders', { token: shops.a.apiKeyToken, body: { ...roses('T-3003'), cardMesage: 'typo' } });
      expect(typo.status).toBe(400);
      expect(typo.body.code).toBe('VALIDATION_FAILED');
      expect(String(typo.body.message)).toContain('cardMesage');
      expect((await call('GET', '/intake/orders/pos-front-desk/T-3003', { token: shops.a.apiKeyToken })).status).toBe(404);
    });

    it('holds an order without a delivery date for staff (needs attention) and places nothing', async () => {
      const { deliveryWindow: _none, ...undated } = roses('T-4004');
      const before = await placedEvents();
      const held = await call('POST', '/intake/orders', { token: shops.a.apiKeyToken, body: { ...undated, deliveryText: 'Friday afternoon' } });
      expect(held.status).toBe(201);
      expect(held.body).toMatchObject({ outcome: 'needs_attention', reason: 'missing_delivery_date', intakeId: expect.any(String) });
      expect(held.body.orderId).toBeUndefined();
      expect(await placedEvents()).toBe(before);
      const again = await call('POST', '/intake/orders', { token: shops.a.apiKeyToken, body: { ...undated, deliveryText: 'Friday afternoon' } });
      expect({ status: again.status, outcome: again.body.outcome, intakeId: again.body.intakeId }).toEqual({
        status: 200,
        outcome: 'needs_attention',
        intakeId: held.body.intakeId,
      });
    });
  });

  describe('CSV import', () => {
    const header = 'Order No,Customer,Delivery Date,Delivery Time,Recipient,Recipient Phone,Address,Items,Card Message,Total,Paid';
    const good = (n: number) =>
      `C-${n},Buyer ${n},${day},10:00 - 12:00,Recipient ${n},+31 6 0000 ${String(n).padStart(4, '0')},"Kade ${n}, Utrecht","2 x Tulips; Vase [VASE-1]",Card ${n},"24,50",yes`;
    /** 240 good rows, with a duplicate, an undated one and malformed ones at known lines (the header is line 1). */
    const file = () => {
      const lines = [header];
      for (let n = 1; n <= 240; n++) lines.push(good(n));
      lines[10] = good(3); // line 11: the order of line 4 again
      lines[20] = `C-bad-date,Buyer,${day.replace('-02-14', '-02-30')},10:00 - 12:00,Kim,+31 6 1,Here,Roses,,,no`; // line 21
      lines[30] = 'C-short,Buyer,only three cells'; // line 31
      lines[40] = `,Buyer,${day},10:00 - 12:00,Kim,,Here,Roses,,,no`; // line 41: no order number
      lines[50] = `C-undated,Buyer,,,Kim,,Here,Roses,,,no`; // line 51: held for staff
      return `${lines.join('\r\n')}\r\n`;
    };

    it('uploads, previews the mapping, imports the good rows and reports every other row by its line; the upload is deleted after', async () => {
      const uploaded = await call('POST', '/intake/imports?source=phone-book&timeZone=Europe/Amsterdam&currency=EUR', { token: shops.a.staff, csv: file() });
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toMatchObject({
        status: 'uploaded',
        rowsTotal: 240,
        timeZone: expect.any(String),
        columns: header.split(','),
        suggestedMapping: {
          externalRef: 'Order No',
          buyerName: 'Customer',
          deliveryDate: 'Delivery Date',
          deliveryTime: 'Delivery Time',
          recipientName: 'Recipient',
          recipientPhone: 'Recipient Phone',
          address: 'Address',
          items: 'Items',
          cardMessage: 'Card Message',
          price: 'Total',
          paid: 'Paid',
        },
        mappingProblems: [],
      });
      const preview = uploaded.body.preview as Array<{ line: number; outcome: string }>;
      expect(preview).toHaveLength(20);
      expect(preview[0]).toMatchObject({ line: 2, outcome: 'ready', externalRef: 'C-1' });
      expect(preview.find((r) => r.line === 21)).toMatchObject({ outcome: 'rejected', problems: [expect.objectContaining({ field: 'deliveryDate' })] });
      const importId = uploaded.body.importId as string;

      // Another shop's staff do not see it.
      expect((await call('GET', `/intake/imports/${importId}`, { token: shops.b.staff })).status).toBe(404);

      const started = await call('POST', `/intake/imports/${importId}/start`, {
        token: shops.a.staff,
        body: { mapping: uploaded.body.suggestedMapping, currency: 'EUR', dateOrder: 'ymd' },
      });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ status: 'running', rowsTotal: 240 });
      const again = await call('POST', `/intake/imports/${importId}/start`, { token: shops.a.staff, body: { mapping: uploaded.body.suggestedMapping } });
      expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'IMPORT_NOT_WAITING' });

      const seenDone = new Set<number>();
      const finished = await eventually(async () => {
        const progress = await call('GET', `/intake/imports/${importId}`, { token: shops.a.staff });
        seenDone.add(progress.body.rowsDone as number);
        expect(progress.body.status).toBe('finished');
        return progress.body;
      }, 60_000);
      expect(finished).toMatchObject({ rowsTotal: 240, rowsDone: 240, imported: 235, duplicates: 1, rejected: 3, needsAttention: 1 });
      expect(Math.max(...seenDone)).toBe(240);

      const report = await call('GET', `/intake/imports/${importId}/report?limit=1000`, { token: shops.a.staff });
      const rows = report.body.rows as Array<{ line: number; outcome: string; reason?: string; orderId?: string; externalRef?: string }>;
      expect(rows).toHaveLength(240);
      const at = (line: number) => rows.find((r) => r.line === line);
      expect(at(2)).toMatchObject({ outcome: 'imported', externalRef: 'C-1', orderId: expect.any(String) });
      expect(at(11)).toMatchObject({ outcome: 'duplicate', externalRef: 'C-3', orderId: at(4)?.orderId });
      expect(at(21)).toMatchObject({ outcome: 'rejected', externalRef: 'C-bad-date', reason: expect.stringContaining('deliveryDate (Delivery Date)') });
      expect(at(31)).toMatchObject({ outcome: 'rejected', reason: 'row: the row has 3 cells, the header 11' });
      expect(at(41)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('externalRef (Order No): the order number is empty') });
      expect(at(51)).toMatchObject({ outcome: 'needs_attention', externalRef: 'C-undated', reason: 'missing_delivery_date' });

      // Each imported row is an order of the shop, with what the row said.
      const order = await call('GET', `/orders/${at(2)?.orderId as string}`, { token: shops.a.staff });
      expect(order.body).toMatchObject({
        shopId: shops.a.shopId,
        status: 'placed',
        reference: 'C-1',
        source: 'phone',
        items: [{ sku: 'TULIPS', quantity: 2 }, { sku: 'VASE-1' }],
      });

      const csv = await call('GET', `/intake/imports/${importId}/report?format=csv`, { token: shops.a.staff });
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const csvLines = String(csv.body.text).trim().split('\r\n');
      expect(csvLines[0]).toBe('line,outcome,externalRef,reason,orderId,intakeId');
      expect(csvLines).toHaveLength(241);
      expect(csvLines[30]).toMatch(/^31,rejected,/);

      expect(await count(`SELECT count(*) AS n FROM intake_import_chunks WHERE import_id = $1`, [importId])).toBe(0);

      // The same file again, later: every row it would place is a duplicate now.
      const second = await call('POST', '/intake/imports?source=phone-book&timeZone=Europe/Amsterdam&currency=EUR', { token: shops.a.staff, csv: file() });
      const secondId = second.body.importId as string;
      expect(
        (await call('POST', `/intake/imports/${secondId}/start`, { token: shops.a.staff, body: { mapping: second.body.suggestedMapping, currency: 'EUR' } }))
          .status,
      ).toBe(202);
      const secondDone = await eventually(async () => {
        const progress = await call('GET', `/intake/imports/${secondId}`, { token: shops.a.staff });
        expect(progress.body.status).toBe('finished');
        return progress.body;
      }, 60_000);
      expect(secondDone).toMatchObject({ imported: 0, duplicates: 236, rejected: 3, needsAttention: 1 });
    }, 120_000);

    it('takes over an import whose replica stopped, resuming after the last line it reported', async () => {
      const lines = [header];
      for (let n = 1; n <= 10; n++) lines.push(good(n).replace(/^C-/, 'R-'));
      const uploaded = await call('POST', '/intake/imports?source=resume&timeZone=Europe/Amsterdam&currency=EUR', {
        token: shops.a.staff,
        csv: lines.join('\n'),
      });
      const importId = uploaded.body.importId as string;
      // As a replica leaves it when it stops: running, its lease run out, lines 2 to 4 reported.
      const db = orders.app.get(DataSource);
      const settings = {
        mapping: uploaded.body.suggestedMapping,
        dateOrder: 'ymd',
        currency: 'EUR',
        channel: 'phone',
        past: false,
        startedBy: { role: 'staff', subject: 'gone', shopId: shops.a.shopId },
      };
      await db.query(
        `UPDATE intake_imports SET status = 'running', settings = $2, started_at = now(), lease_until = now() - interval '1 second',
           last_line = 4, rows_done = 3, imported = 3 WHERE import_id = $1`,
        [importId, JSON.stringify(settings)],
      );
      await db.query(
        `INSERT INTO intake_import_rows (import_id, line, outcome, external_ref) VALUES ($1, 2, 'imported', 'R-1'), ($1, 3, 'imported', 'R-2'), ($1, 4, 'imported', 'R-3')`,
        [importId],
      );

      const finished = await eventually(async () => {
        const progress = await call('GET', `/intake/imports/${importId}`, { token: shops.a.staff });
        expect(progress.body.status).toBe('finished');
        return progress.body;
      }, 30_000);
      expect(finished).toMatchObject({ rowsTotal: 10, rowsDone: 10, imported: 10, duplicates: 0, rejected: 0 });
      const report = (await call('GET', `/intake/imports/${importId}/report`, { token: shops.a.staff })).body.rows as Array<{ line: number; orderId?: string }>;
      expect(report.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(report.filter((r) => r.orderId).map((r) => r.line)).toEqual([5, 6, 7, 8, 9, 10, 11]);
      // The lines reported before the stop were not placed again.
      expect(await count(`SELECT count(*) AS n FROM intake_orders WHERE shop_id = $1 AND source = 'csv:resume'`, [shops.a.shopId])).toBe(7);
    });

    it('imports a file from the command line, printing progress and the summary, and writes the report', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'intake-import-'));
      const file = join(dir, 'day.csv');
      await writeFile(
        file,
        [
          'Order No,Customer,Delivery Date,Slot hours,Recipient,Address,Items',
          `K-1,Sam,${day},09:00-11:00,Kim,Kade 1,Roses`,
          `K-2,Sam,${day},,Kim,Kade 2,Lilies`,
        ].join('\n'),
      );
      // The built command, as `npm run intake:import` runs it (the test run builds dist/ first).
      const cli = join(__dirname, '..', '..', '..', '..', 'dist', 'tools', 'intake-import', 'main.js');
      const { stdout } = await promisify(execFile)(process.execPath, [
        cli,
        ...['--file', file, '--api', orders.url, '--token', shops.b.staff, '--time-zone', 'Europe/Amsterdam', '--source', 'cli'],
        ...['--map', 'deliveryTime=Slot hours', '--default-hours', '13:00-17:00', '--report', join(dir, 'report.csv')],
      ]);
      expect(stdout).toContain('deliveryTime   ← "Slot hours"');
      expect(stdout).toMatch(/finished: 2\/2 rows \(100%\)/);
      expect(stdout).toContain('done: 2 imported, 0 duplicates, 0 rejected, 0 held for staff');
      const report = (await readFile(join(dir, 'report.csv'), 'utf8')).trim().split('\r\n');
      expect(report.map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['line,outcome,externalRef', '2,imported,K-1', '3,imported,K-2']);
    });

    it('refuses a file over the limit with 413 and keeps nothing of it', async () => {
      const imports = () => count(`SELECT count(*) AS n FROM intake_imports WHERE shop_id = $1`, [shops.b.shopId]);
      const before = await imports();
      const row = `${good(1)}\n`;
      const big = `${header}\n${row.repeat(Math.ceil((1.2 * 1024 * 1024) / row.length))}`;
      const refused = await call('POST', '/intake/imports?timeZone=Europe/Amsterdam', { token: shops.b.staff, csv: big });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 413, code: 'IMPORT_TOO_LARGE' });
      expect(await imports()).toBe(before);
    });

    it('refuses a mapping that names columns the file lacks, a CSV body on a JSON route, and an empty file', async () => {
      const uploaded = await call('POST', '/intake/imports?timeZone=Asia/Shanghai', { token: shops.b.staff, csv: '订单号,收件人,商品\nS-1,王芳,玫瑰\n' });
      expect(uploaded.body).toMatchObject({ suggestedMapping: { externalRef: '订单号', recipientName: '收件人', items: '商品' }, rowsTotal: 1 });
      const refused = await call('POST', `/intake/imports/${uploaded.body.importId as string}/start`, {
        token: shops.b.staff,
        body: { mapping: { externalRef: 'Order', recipientName: '收件人', items: '商品' } },
      });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'MAPPING_INVALID' });
      expect((await call('POST', '/intake/orders', { token: shops.b.apiKeyToken, csv: 'a,b\n1,2\n' })).status).toBe(415);
      const empty = await call('POST', '/intake/imports?timeZone=Asia/Shanghai', { token: shops.b.staff, csv: '' });
      expect({ status: empty.status, code: empty.body.code }).toEqual({ status: 400, code: 'CSV_NO_HEADER' });
    });
  });
});
