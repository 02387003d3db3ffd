import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { wallNow } from '../lib/measure';
import type { ClientSpec, EventTable, WorkerReport, WorkerRequest } from './clients-protocol';

/**
 * A share of the load process's WebSocket clients, on a thread of its own. Each client connects
 * with its token and, once welcomed, records every notification frame it receives: which event
 * (by eventId) and when (wall clock, comparable with the bench's append times). Frames are not
 * parsed: the event id is cut out of the bytes, so a client costs little more than `ws` itself.
 */
const { url, clients, concurrency } = workerData as { url: string; clients: ClientSpec[]; concurrency: number };
const port = parentPort;
if (!port) throw new Error('clients-worker runs as a worker thread');

const NOTIFICATION = Buffer.from('"type":"notification"');
const WELCOME = Buffer.from('"type":"welcome"');
const EVENT_ID = Buffer.from('"eventId":"');

/** A growable typed array: millions of receipts without millions of objects. */
class Column<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  at(i: number): number {
    return this.data[i];
  }
}

const eventIndex = new Map<string, number>();
const eventIds: string[] = [];
const receiptClient = new Column(new Int32Array(1 << 16), (n) => new Int32Array(n));
const receiptEvent = new Column(new Int32Array(1 << 16), (n) => new Int32Array(n));
const receiptAt = new Column(new Float64Array(1 << 16), (n) => new Float64Array(n));
const otherFrames: Record<string, number> = {};
const sockets: WebSocket[] = [];
/** Clients that were welcomed: only they are owed notifications. */
const welcomedClients = new Uint8Array(clients.length);
let dropped = 0;
let firstDrop: string | undefined;
let closing = false;

function received(client: number, data: Buffer): void {
  const at = wallNow();
  if (data.indexOf(NOTIFICATION) === 1) {
    const i = data.indexOf(EVENT_ID);
    if (i > 0) {
      const id = data.toString('latin1', i + EVENT_ID.length, i + EVENT_ID.length + 36);
      let e = eventIndex.get(id);
      if (e === undefined) {
        e = eventIds.length;
        eventIds.push(id);
        eventIndex.set(id, e);
      }
      receiptClient.push(client);
      receiptEvent.push(e);
      receiptAt.push(at);
      return;
    }
  }
  if (data.indexOf(WELCOME) === 1) return;
  let type = 'unreadable';
  try {
    type = String((JSON.parse(data.toString('utf8')) as { type?: unknown }).type);
  } catch {
    // counted as unreadable
  }
  otherFrames[type] = (otherFrames[type] ?? 0) + 1;
}

/** Connects one client; resolves once its welcome frame arrived, rejects on anything else first. */
function connect(client: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token: clients[client].token })));
    let welcomed = false;
    ws.on('message', (data: Buffer) => {
      if (!welcomed) {
        if (data.indexOf(WELCOME) !== 1) return reject(new Error(`first frame was not a welcome: ${data.toString('utf8').slice(0, 120)}`));
        welcomed = true;
        welcomedClients[client] = 1;
        sockets.push(ws);
        resolve();
        return;
      }
      received(client, data);
    });
    ws.on('close', (code, reason) => {
      if (!welcomed) reject(new Error(`closed before the welcome: ${code} ${String(reason)}`));
      else if (!closing) {
        dropped++;
        firstDrop ??= `${code} ${String(reason)}`;
      }
    });
    ws.on('error', (err) => {
      if (!welcomed) reject(err);
    });
  });
}

async function connectAll(): Promise<void> {
  const started = wallNow();
  let next = 0;
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < clients.length) {
      const client = next++;
      try {
        await connect(client);
        connected++;
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  port?.postMessage({ connected: { connected, failed, firstError, seconds: (wallNow() - started) / 1000 } });
}

/** What this share of clients received of the run's events, judged against the event table. */
function report(table: EventTable): WorkerReport {
  const events = table.ids.length;
  const tableIndex = new Map(table.ids.map((id, i) => [id, i]));
  const toTable = Int32Array.from(eventIds, (id) => tableIndex.get(id) ?? -1);
  const counts = new Uint8Array(clients.length * events);
  const latencies: number[] = [];
  const slices: number[][] = [];
  let unknown = 0;
  let misrouted = 0;
  let duplicates = 0;
  let inWindow = 0;
  for (let r = 0; r < receiptAt.length; r++) {
    const at = receiptAt.at(r);
    if (at >= table.windowFrom && at < table.windowTo) inWindow++;
    const e = toTable[receiptEvent.at(r)];
    if (e < 0) {
      unknown++;
      continue;
    }
    const c = receiptClient.at(r);
    if (table.shop[e] !== clients[c].shop) misrouted++;
    const cell = c * events + e;
    if (counts[cell] > 0) duplicates++;
    else if (table.timed[e]) {
      const latency = at - table.appendedAt[e];
      latencies.push(latency);
      const slice = Math.max(0, Math.floor((table.appendedAt[e] - table.windowFrom) / table.sliceMs));
      (slices[slice] ??= []).push(latency);
    }
    if (counts[cell] < 255) counts[cell]++;
  }
  const byShop = new Map<number, number[]>();
  for (let e = 0; e < events; e++) {
    if (!table.counted[e]) continue;
    const list = byShop.get(table.shop[e]) ?? [];
    list.push(e);
    byShop.set(table.shop[e], list);
  }
  let expected = 0;
  let missing = 0;
  let clientsMissing = 0;
  for (let c = 0; c < clients.length; c++) {
    if (!welcomedClients[c]) continue;
    const mine = byShop.get(clients[c].shop) ?? [];
    expected += mine.length;
    let missed = 0;
    for (const e of mine) if (counts[c * events + e] === 0) missed++;
    missing += missed;
    if (missed) clientsMissing++;
  }
  return {
    receipts: receiptAt.length,
    receiptsInWindow: inWindow,
    expected,
    missing,
    clientsMissing,
    duplicates,
    misrouted,
    unknown,
    otherFrames,
    dropped,
    firstDrop,
    latencies: Float64Array.from(latencies).sort(),
    slices: Array.from(slices, (slice) => Float64Array.from(slice ?? []).sort()),
  };
}

port.on('message', (request: WorkerRequest) => {
  switch (request.cmd) {
    case 'connect':
      void connectAll();
      break;
    case 'progress':
      port.postMessage({ progress: receiptAt.length });
      break;
    case 'report': {
      const result = report(request.table);
      port.postMessage({ report: result }, [result.latencies.buffer as ArrayBuffer, ...result.slices.map((slice) => slice.buffer as ArrayBuffer)]);
      break;
    }
    case 'close': {
      closing = true;
      for (const ws of sockets) ws.terminate();
      port.postMessage({ closed: true });
      break;
    }
  }
});
