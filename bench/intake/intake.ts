import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AccessTokenSigner, generateSigningKey } from '@petalpost/auth';
import { allTopics } from '@petalpost/contracts';
import { freePort } from '@petalpost/infra';
import { meituanPaidOrder, type MeituanStandIn, shopifyOrder, startMeituanStandIn } from '@petalpost/testing/shop-platforms';
import { type BuiltService, productionEnv, runResources, startBuiltService } from '../lib/built-service';
import type { BenchContext } from '../lib/context';
import { repoRoot } from '../lib/infra';
import { mergeSamples, type PhaseResult, processTreeCpuMs, runSlice, type Sample, say, sleep } from '../lib/measure';
import { placeOrderBody } from '../http/order-body';
import { ORDERS_MAIN } from '../http/servers';

export interface CsvImportRun {
  rows: number;
  bytes: number;
  uploadSeconds: number;
  /** From the import's start to its last row, by the service's own clock (started_at → finished_at). */
  importSeconds: number;
  rowsPerSec: number;
  counts: { imported: number; duplicates: number; rejected: number; needsAttention: number };
  expected: { imported: number; duplicates: number; rejected: number; needsAttention: number };
  /** Report rows by outcome, read back over GET …/report. */
  reportRows: number;
  /** The service's resident memory: before the upload, and the highest sampled (every 50 ms) while uploading and importing. */
  rssMiB: { before: number; peakUpload: number; peakImport: number };
  /** Distinct rowsDone values seen while polling the import's progress. */
  progressSteps: number;
}

export interface BigUploadRun {
  bytes: number;
  rows: number;
  seconds: number;
  rssMiB: { before: number; peak: number };
  /** The stored chunks after the upload (every byte kept, sealed, in 1 MiB chunks). */
  storedBytes: number;
}

export interface IntakeSection {
  csv: CsvImportRun;
  /** A file half the size of bigUpload's, uploaded just before it: memory must not follow the size. */
  smallUpload?: BigUploadRun;
  bigUpload?: BigUploadRun;
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  /** POST /intake/orders with an API key's token: each a new order of a shop system, through IntakePlacer. */
  intakeApi: PhaseResult;
  /** POST /orders with a staff token: the baseline, the same order typed in. */
  placeOrder: PhaseResult;
  /** Shopify `orders/create` deliveries, signed as Shopify signs them, to POST /intake/shopify/webhooks. */
  webhook: WebhookRun;
  /** Meituan paid-order pushes, signed as Meituan signs them, to a connected store's paid callback URL. */
  meituan: MeituanPushRun;
  serviceCores: { intakeApi: number; placeOrder: number };
}

export interface WebhookRun {
  /** Deliveries answered 200 (stored, processed after) per second, over `seconds`. */
  accepted: PhaseResult;
  /** Every delivery sent in the window (warm-up included), and how many became orders. */
  deliveries: number;
  placed: number;
  /** From the first delivery's arrival to the last one processed: orders placed per second end to end. */
  placedPerSec: number;
  /** How long the stored deliveries took to be worked off after the last was answered. */
  drainSeconds: number;
}

export interface MeituanPushRun extends WebhookRun {
  /** OrderPlaced events in the log for the pushes' orders, and how many orders they are: one each, none twice. */
  placements: number;
  orders: number;
  /** A sample of the paid pushes sent again, newly signed (each answered `{"data":"ok"}`, or the run fails): what that stored and placed. */
  replay: { sent: number; stored: number; placed: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HEADER = 'Order No,Customer,Customer phone,Delivery Date,Delivery Time,Recipient,Recipient Phone,Address,Items,Card Message,Total,Paid';

/**
 * The CSV import and the generic intake API against the built orders service (its own process,
 * configured as in production): a 10,000-row file with known duplicates, malformed and undated
 * rows uploaded, run, its report checked, the service's memory sampled throughout; a large file
 * uploaded (streamed, never started) to show memory does not grow with the file; then orders
 * taken through POST /intake/orders against POST /orders in the same run and turns, and after
 * them Shopify webhooks and Meituan paid pushes (the latter signed over the callback URL, so the
 * service's public URL is its own address; Meituan's open API a stand-in on 127.0.0.1).
 */
export async function intakeSection(
  ctx: BenchContext,
  options: { rows: number; uploadMiB: number; concurrency: number; seconds: number; warmupSeconds: number },
): Promise<IntakeSection> {
  const { infra } = ctx;
  const namespace = `bench-intake-${process.pid}`;
  const schema = infra.embeddedPostgres ? 'bench_intake' : `bench_intake_${process.pid}`;
  const { cleanUp } = await runResources(infra, { topics: allTopics(namespace), schemas: [schema] });
  const signingKey = generateSigningKey();
  // Meituan's open API, which the connector calls (write-backs, the shop's pin), answered on 127.0.0.1.
  const meituan = await startMeituanStandIn();
  // Meituan's sig covers the callback URL the shop registered: the service must know it as the URL posted to.
  const port = await freePort();
  let service: BuiltService;
  try {
    service = await startBuiltService({
      name: 'orders',
      entry: process.env.BENCH_INTAKE_ORDERS_MAIN ?? ORDERS_MAIN,
      logName: 'intake-orders',
      port,
      env: {
        ...productionEnv(infra, { schema, namespace, signingKey, logLevel: 'info' }),
        PERSONAL_DATA_KEY: randomBytes(32).toString('base64'),
        ORDERS_INTAKE_SECRETS_KEY: randomBytes(32).toString('base64'),
        ORDERS_INTAKE_PUBLIC_URL: `http://127.0.0.1:${port}`,
        ORDERS_INTAKE_MEITUAN_API_ORIGIN: meituan.apiOrigin,
      },
    });
  } catch (err) {
    await meituan.close();
    await cleanUp();
    throw err;
  }
  const workDir = join(repoRoot, '.data', 'bench-intake');
  mkdirSync(workDir, { recursive: true });
  try {
    const signer = new AccessTokenSigner(signingKey);
    const shopId = `bench-intake-${randomUUID()}`;
    const staff = signer.sign({ role: 'staff', sub: 'bench', shopId });
    // What a shop's API key is exchanged for (docs/accounts.md): role staff, its scopes.
    const apiKey = signer.sign({ role: 'staff', sub: 'api-key:bench', shopId, scopes: ['orders:write'] });
    const csv = await csvImport(service, staff, workDir, options.rows);
    say(
      `  CSV: ${csv.rows.toLocaleString('en-US')} rows in ${csv.importSeconds.toFixed(1)} s = ${Math.round(csv.rowsPerSec)} rows/s; RSS ${csv.rssMiB.before.toFixed(0)} → peak ${csv.rssMiB.peakImport.toFixed(0)} MiB`,
    );
    const smallUpload = options.uploadMiB > 0 ? await bigFileUpload(ctx, service, staff, schema, workDir, options.uploadMiB / 2) : undefined;
    const bigUpload = options.uploadMiB > 0 ? await bigFileUpload(ctx, service, staff, schema, workDir, options.uploadMiB) : undefined;
    for (const upload of [smallUpload, bigUpload]) {
      if (upload)
        say(
          `  upload of ${(upload.bytes / 2 ** 20).toFixed(0)} MiB: ${upload.seconds.toFixed(1)} s, RSS ${upload.rssMiB.before.toFixed(0)} → peak ${upload.rssMiB.peak.toFixed(0)} MiB`,
        );
    }
    const http = await intakeAgainstPlaceOrder(ctx, service, { staff, apiKey, ...options });
    const webhook = await shopifyWebhooks(ctx, service, schema, staff, options);
    say(`  webhooks: ${Math.round(webhook.accepted.callsPerSec)} deliveries/s answered, ${Math.round(webhook.placedPerSec)} orders/s placed end to end`);
    const meituanRun = await meituanPushes(ctx, service, schema, staff, meituan, options);
    say(
      `  Meituan pushes: ${Math.round(meituanRun.accepted.callsPerSec)} pushes/s answered, ${Math.round(meituanRun.placedPerSec)} orders/s placed end to end; replayed ${meituanRun.replay.sent}, stored again ${meituanRun.replay.stored}`,
    );
    return { csv, ...(smallUpload ? { smallUpload } : {}), ...(bigUpload ? { bigUpload } : {}), ...http, webhook, meituan: meituanRun };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    await service.stop().catch((err: Error) => say(`  stopping orders: ${err.message}`));
    await meituan.close();
    await cleanUp();
  }
}

/** The service's resident set, MiB, from /proc. */
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Samples a process's RSS every 50 ms until stopped; the highest seen. */
function rssSampler(pid: number): { stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMiB(pid));
    },
  };
}

const tomorrow = () => new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);

function csvRow(n: number, ref: string, date: string): string {
  return `${ref},Buyer ${n},+31 6 1000 ${String(n % 10_000).padStart(4, '0')},${date},13:00 - 15:00,Recipient ${n},+31 6 2000 ${String(n % 10_000).padStart(4, '0')},"Oudegracht ${n}, Utrecht","2 x Red roses; Vase [VASE-1]",Happy birthday number ${n},"49,50",yes`;
}

async function writeLines(file: string, lines: Iterable<string>): Promise<number> {
  const out = createWriteStream(file);
  for (const line of lines) if (!out.write(`${line}\r\n`)) await once(out, 'drain');
  out.end();
  await finished(out);
  return statSync(file).size;
}

async function upload(service: BuiltService, token: string, file: string, query: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.url}/intake/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(statSync(file).size) },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) throw new Error(`upload: HTTP ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

async function csvImport(service: BuiltService, token: string, dir: string, rows: number): Promise<CsvImportRun> {
  const date = tomorrow();
  const expected = { imported: 0, duplicates: 0, rejected: 0, needsAttention: 0 };
  const file = join(dir, 'day.csv');
  const bytes = await writeLines(
    file,
    (function* () {
      yield HEADER;
      for (let n = 1; n <= rows; n++) {
        if (n % 250 === 125) {
          expected.rejected++;
          yield csvRow(n, `B-${n}`, `${date.slice(0, 8)}32`); // no such day
        } else if (n % 500 === 0) {
          expected.duplicates++;
          yield csvRow(n, `B-${n - 1}`, date); // the row before, again
        } else if (n % 1000 === 501) {
          expected.needsAttention++;
          yield csvRow(n, `B-${n}`, '').replace(',,13:00 - 15:00,', ',,,'); // no date: held for staff
        } else {
          expected.imported++;
          yield csvRow(n, `B-${n}`, date);
        }
      }
    })(),
  );
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const before = rssMiB(service.pid);
  const uploadSampler = rssSampler(service.pid);
  const uploadStarted = performance.now();
  const uploaded = await upload(service, token, file, 'timeZone=Europe/Amsterdam&currency=EUR&source=bench');
  const uploadSeconds = (performance.now() - uploadStarted) / 1000;
  const peakUpload = uploadSampler.stop();
  const importId = uploaded.importId as string;
  const importSampler = rssSampler(service.pid);
  const started = await fetch(`${service.url}/intake/imports/${importId}/start`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ mapping: uploaded.suggestedMapping, currency: 'EUR' }),
  });
  if (started.status !== 202) throw new Error(`start: HTTP ${started.status}: ${await started.text()}`);
  const steps = new Set<number>();
  let status: Record<string, unknown>;
  for (;;) {
    status = (await (await fetch(`${service.url}/intake/imports/${importId}`, { headers })).json()) as Record<string, unknown>;
    steps.add(status.rowsDone as number);
    if (status.status !== 'running') break;
    await sleep(200);
  }
  const peakImport = importSampler.stop();
  if (status.status !== 'finished') throw new Error(`the import ended ${String(status.status)}: ${String(status.error)}`);
  let reportRows = 0;
  for (let after = 0; ;) {
    const page = (await (await fetch(`${service.url}/intake/imports/${importId}/report?limit=1000&afterLine=${after}`, { headers })).json()) as {
      rows: Array<{ line: number }>;
    };
    reportRows += page.rows.length;
    if (page.rows.length < 1000) break;
    after = page.rows[page.rows.length - 1].line;
  }
  const importSeconds = (Date.parse(status.finishedAt as string) - Date.parse(status.startedAt as string)) / 1000;
  return {
    rows,
    bytes,
    uploadSeconds,
    importSeconds,
    rowsPerSec: rows / importSeconds,
    counts: {
      imported: status.imported as number,
      duplicates: status.duplicates as number,
      rejected: status.rejected as number,
      needsAttention: status.needsAttention as number,
    },
    expected,
    reportRows,
    rssMiB: { before, peakUpload, peakImport },
    progressSteps: steps.size,
  };
}

async function bigFileUpload(ctx: BenchContext, service: BuiltService, token: string, schema: string, dir: string, mib: number): Promise<BigUploadRun> {
  const file = join(dir, `migration-${mib}.csv`);
  const date = tomorrow();
  const target = mib * 2 ** 20;
  let rows = 0;
  let size = HEADER.length + 2;
  const bytes = await writeLines(
    file,
    (function* () {
      yield HEADER;
      while (size < target) {
        const line = csvRow(++rows, `M-${rows}`, date);
        size += line.length + 2;
        yield line;
      }
    })(),
  );
  const before = rssMiB(service.pid);
  const sampler = rssSampler(service.pid);
  const startedAt = performance.now();
  const uploaded = await upload(service, token, file, 'timeZone=Europe/Amsterdam&currency=EUR&source=bench-big');
  const seconds = (performance.now() - startedAt) / 1000;
  const peak = sampler.stop();
  const [{ stored }] = (await ctx.infra.dataSource.query(
    `SELECT coalesce(sum(octet_length(bytes)), 0)::bigint AS stored FROM "${schema}".intake_import_chunks WHERE import_id = $1`,
    [uploaded.importId],
  )) as Array<{ stored: string }>;
  if ((uploaded.rowsTotal as number) !== rows) throw new Error(`the upload counted ${String(uploaded.rowsTotal)} rows, the file has ${rows}`);
  rmSync(file, { force: true });
  return { bytes, rows, seconds, rssMiB: { before, peak }, storedBytes: Number(stored) };
}

/**
 * Orders through the intake API (an API key's token, each a new external reference, placed through
 * IntakePlacer) against POST /orders (a staff token, the same order), on `concurrency` connections,
 * in alternating windows (intake, orders, orders, intake) so a drift of the machine hits both.
 */
async function intakeAgainstPlaceOrder(
  ctx: BenchContext,
  service: BuiltService,
  options: { staff: string; apiKey: string; concurrency: number; seconds: number; warmupSeconds: number },
): Promise<Omit<IntakeSection, 'csv' | 'smallUpload' | 'bigUpload' | 'webhook' | 'meituan'>> {
  const order = placeOrderBody();
  const run = randomUUID().slice(0, 8);
  const intake = (worker: number, seq: number) =>
    JSON.stringify({
      source: 'bench-till',
      externalRef: `${run}-${worker}-${seq}`,
      channel: 'shop_system',
      items: order.items,
      deliveryWindow: order.deliveryWindow,
      buyer: order.buyer,
      recipient: order.recipient,
      paid: true,
    });
  const post = async (path: string, token: string, body: string, expect: number) => {
    const response = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    if (response.status !== expect) throw new Error(`${path}: HTTP ${response.status}: ${text.slice(0, 200)}`);
    if (path === '/intake/orders' && !text.includes('"outcome":"placed"')) throw new Error(`${path}: not placed: ${text.slice(0, 200)}`);
    return 1;
  };
  const placeBody = JSON.stringify(order);
  const windowMs = (options.seconds * 1000) / 2;
  const slice = async (name: string, op: (worker: number, seq: number) => Promise<number>): Promise<{ sample: Sample; cores: number }> => {
    const cpuBefore = processTreeCpuMs(service.pid) ?? 0;
    const sample = await runSlice(
      { name, concurrency: options.concurrency, warmupMs: options.warmupSeconds * 1000, durationMs: windowMs, serverPid: ctx.infra.postgresPid },
      op,
    );
    const cpu = (processTreeCpuMs(service.pid) ?? 0) - cpuBefore;
    return { sample, cores: cpu / (options.warmupSeconds * 1000 + windowMs) };
  };
  const intakeOp = (w: number, s: number) => post('/intake/orders', options.apiKey, intake(w, s), 201);
  const placeOp = () => post('/orders', options.staff, placeBody, 201);
  await post('/intake/orders', options.apiKey, intake(-1, 0), 201);
  await post('/orders', options.staff, placeBody, 201);
  say(`  intake API vs POST /orders: ${options.concurrency} connections, 2 × ${windowMs / 1000} s each, alternating …`);
  const a1 = await slice('intake', intakeOp);
  const b1 = await slice('orders', placeOp);
  const b2 = await slice('orders', placeOp);
  const a2 = await slice('intake', (w, s) => intakeOp(w + 1000, s));
  return {
    concurrency: options.concurrency,
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
    intakeApi: mergeSamples([a1.sample, a2.sample]),
    placeOrder: mergeSamples([b1.sample, b2.sample]),
    serviceCores: { intakeApi: (a1.cores + a2.cores) / 2, placeOrder: (b1.cores + b2.cores) / 2 },
  };
}

/**
 * Shopify deliveries as Shopify sends them (its headers, base64 HMAC-SHA256 of the body bytes)
 * in a closed loop for `seconds`: each answered 200 once stored; then the wait until the service
 * has worked every stored delivery off into an order. Placed per second end to end is every
 * delivery ÷ (first arrival → last processed), read from intake_deliveries.
 */
async function shopifyWebhooks(
  ctx: BenchContext,
  service: BuiltService,
  schema: string,
  staff: string,
  options: { concurrency: number; seconds: number; warmupSeconds: number },
): Promise<WebhookRun> {
  const shopDomain = `bench-${randomUUID().slice(0, 8)}.myshopify.com`;
  const secret = randomBytes(24).toString('base64url');
  const connected = await fetch(`${service.url}/intake/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
    body: JSON.stringify({ platform: 'shopify', label: 'bench store', shopDomain, timeZone: 'Europe/Amsterdam', webhookSecret: secret }),
  });
  if (connected.status !== 201) throw new Error(`connecting a Shopify store: HTTP ${connected.status}: ${await connected.text()}`);
  const date = tomorrow();
  let sent = 0;
  const deliver = async (worker: number, seq: number) => {
    const body = JSON.stringify(
      shopifyOrder(1_000_000 * (worker + 1) + seq, date, { created_at: new Date().toISOString(), updated_at: new Date().toISOString() }),
    );
    const response = await fetch(`${service.url}/intake/shopify/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('base64'),
        'x-shopify-shop-domain': shopDomain,
        'x-shopify-api-version': '2026-04',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': new Date().toISOString(),
      },
      body,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`webhook: HTTP ${response.status}`);
    sent++;
    return 1;
  };
  say(`  Shopify webhooks: ${options.concurrency} connections, ${options.seconds} s, then until every delivery is processed …`);
  const accepted = mergeSamples([
    await runSlice(
      {
        name: 'webhook',
        concurrency: options.concurrency,
        warmupMs: options.warmupSeconds * 1000,
        durationMs: options.seconds * 1000,
        serverPid: ctx.infra.postgresPid,
      },
      deliver,
    ),
  ]);
  const answeredAt = performance.now();
  const table = `"${schema}".intake_deliveries`;
  for (;;) {
    const [{ waiting }] = (await ctx.infra.dataSource.query(`SELECT count(*)::int AS waiting FROM ${table} WHERE state = 'received'`)) as Array<{
      waiting: number;
    }>;
    if (waiting === 0) break;
    await sleep(100);
  }
  const drainSeconds = (performance.now() - answeredAt) / 1000;
  const [stats] = (await ctx.infra.dataSource.query(
    `SELECT count(*)::int AS deliveries, count(*) FILTER (WHERE outcome = 'placed')::int AS placed,
            extract(epoch FROM max(processed_at) - min(received_at))::float AS seconds FROM ${table}`,
  )) as Array<{ deliveries: number; placed: number; seconds: number }>;
  if (stats.deliveries !== sent) throw new Error(`${sent} deliveries answered 200, ${stats.deliveries} stored`);
  return { accepted, deliveries: stats.deliveries, placed: stats.placed, placedPerSec: stats.placed / stats.seconds, drainSeconds };
}

/** How many paid pushes are sent again after the run, to see that a replay stores and places nothing. */
const REPLAY_SAMPLE = 50;

/**
 * Meituan paid-order pushes as Meituan sends them (the stand-in's signing: a form, every value
 * URL-encoded twice, `sig` = MD5 over the registered callback URL and the sorted parameters + the
 * app secret) to a connected store's paid callback URL, in a closed loop for `seconds`: each
 * answered `{"data":"ok"}` once stored; then the wait until every stored push is placed. Counted
 * as the Shopify deliveries are (intake_deliveries, this connection's rows), then checked: each
 * push one order, placed once; a sample pushed again, newly signed, stores and places nothing.
 */
async function meituanPushes(
  ctx: BenchContext,
  service: BuiltService,
  schema: string,
  staff: string,
  meituan: MeituanStandIn,
  options: { concurrency: number; seconds: number; warmupSeconds: number },
): Promise<MeituanPushRun> {
  const connected = await fetch(`${service.url}/intake/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      platform: 'meituan',
      label: 'bench 美团闪购',
      timeZone: 'Asia/Shanghai',
      appKey: meituan.appId,
      appSecret: meituan.appSecret,
      storeRef: meituan.appPoiCode,
    }),
  });
  const created = (await connected.json()) as { connection?: { connectionId: string; callbackUrls: Array<{ pushType?: string; url: string }> } };
  if (connected.status !== 201 || !created.connection)
    throw new Error(`connecting a Meituan store: HTTP ${connected.status}: ${JSON.stringify(created).slice(0, 300)}`);
  const { connectionId, callbackUrls } = created.connection;
  const paidUrl = callbackUrls.find((c) => c.pushType === 'paid')?.url;
  // Posted where it is signed over: the registered URL is this service's own address.
  if (!paidUrl?.startsWith(`${service.url}/`)) throw new Error(`the paid callback URL ${String(paidUrl)} is not on ${service.url}`);
  // Tomorrow 14:00 in Shanghai.
  const slot = new Date(Date.now() + DAY_MS);
  slot.setUTCHours(6, 0, 0, 0);
  const run = String(Date.now()).slice(-8);
  const sample: Array<Record<string, string>> = [];
  let sent = 0;
  const push = async (params: Record<string, string>) => {
    const answer = await meituan.sendPush({ url: paidUrl, params });
    if (answer.status !== 200 || answer.text !== '{"data":"ok"}') throw new Error(`Meituan push: HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
  };
  const deliver = async (worker: number, seq: number) => {
    // Meituan order ids are digits only (17 and more).
    const orderId = `27${run}${String(worker).padStart(3, '0')}${String(seq).padStart(7, '0')}`;
    const params = meituanPaidOrder(orderId, meituan.appPoiCode, slot);
    await push(params);
    sent++;
    if (sample.length < REPLAY_SAMPLE) sample.push(params);
    return 1;
  };
  say(`  Meituan paid pushes: ${options.concurrency} connections, ${options.seconds} s, then until every push is processed …`);
  const accepted = mergeSamples([
    await runSlice(
      {
        name: 'meituan',
        concurrency: options.concurrency,
        warmupMs: options.warmupSeconds * 1000,
        durationMs: options.seconds * 1000,
        serverPid: ctx.infra.postgresPid,
      },
      deliver,
    ),
  ]);
  const answeredAt = performance.now();
  const deliveries = `"${schema}".intake_deliveries`;
  const waiting = async () =>
    (
      (await ctx.infra.dataSource.query(`SELECT count(*)::int AS waiting FROM ${deliveries} WHERE connection_id = $1 AND state = 'received'`, [
        connectionId,
      ])) as Array<{ waiting: number }>
    )[0].waiting;
  while ((await waiting()) > 0) await sleep(100);
  const drainSeconds = (performance.now() - answeredAt) / 1000;
  const counts = async () =>
    (
      (await ctx.infra.dataSource.query(
        `SELECT count(*)::int AS deliveries, count(*) FILTER (WHERE outcome = 'placed')::int AS placed, count(DISTINCT order_id)::int AS orders,
                extract(epoch FROM max(processed_at) - min(received_at))::float AS seconds,
                (SELECT count(*)::int FROM "${schema}".events e
                  WHERE e.type = 'OrderPlaced' AND e.stream_id IN (SELECT 'order-' || d.order_id FROM ${deliveries} d WHERE d.connection_id = $1)) AS placements
           FROM ${deliveries} WHERE connection_id = $1`,
        [connectionId],
      )) as Array<{ deliveries: number; placed: number; orders: number; seconds: number; placements: number }>
    )[0];
  const stats = await counts();
  if (stats.deliveries !== sent) throw new Error(`${sent} Meituan pushes answered {"data":"ok"}, ${stats.deliveries} stored`);
  // The same orders pushed again, newly signed (a later timestamp): Meituan's repeats.
  for (const params of sample) await push(params);
  while ((await waiting()) > 0) await sleep(100);
  const after = await counts();
  return {
    accepted,
    deliveries: stats.deliveries,
    placed: stats.placed,
    placedPerSec: stats.placed / stats.seconds,
    drainSeconds,
    placements: after.placements,
    orders: after.orders,
    replay: { sent: sample.length, stored: after.deliveries - stats.deliveries, placed: after.placements - stats.placements },
  };
}
