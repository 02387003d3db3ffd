import { fmt } from '../lib/measure';
import { md, type SectionReport, type Table, type TargetRow } from '../lib/section-report';
import type { IntakeSection } from './intake';

const mib = (n: number) => `${n.toFixed(0)} MiB`;

export function intakeCsvTable(s: IntakeSection): Table {
  const { csv } = s;
  const rows: (string | number)[][] = [
    [
      `CSV import, ${csv.rows.toLocaleString('en-US')} rows (${(csv.bytes / 2 ** 20).toFixed(1)} MiB)`,
      `${csv.uploadSeconds.toFixed(1)} s`,
      `${csv.importSeconds.toFixed(1)} s`,
      fmt.rate(csv.rowsPerSec),
      mib(csv.rssMiB.before),
      mib(Math.max(csv.rssMiB.peakUpload, csv.rssMiB.peakImport)),
    ],
  ];
  for (const upload of [s.smallUpload, s.bigUpload]) {
    if (!upload) continue;
    rows.push([
      `upload only, ${(upload.bytes / 2 ** 20).toFixed(0)} MiB (${upload.rows.toLocaleString('en-US')} rows, counted and previewed)`,
      `${upload.seconds.toFixed(1)} s`,
      '–',
      '–',
      mib(upload.rssMiB.before),
      mib(upload.rssMiB.peak),
    ]);
  }
  return { headers: ['what', 'upload', 'import', 'rows/s', 'orders RSS before', 'orders RSS peak'], rows };
}

export function intakeHttpTable(s: IntakeSection): Table {
  const row = (what: string, p: IntakeSection['intakeApi'], cores: number) => [
    what,
    s.concurrency,
    fmt.rate(p.callsPerSec),
    fmt.ms(p.p50Ms),
    fmt.ms(p.p99Ms),
    cores.toFixed(2),
    p.errors,
  ];
  return {
    headers: ['route', 'connections', 'orders/s', 'p50 ms', 'p99 ms', 'service cores', 'errors'],
    rows: [
      row('POST /intake/orders (API key token, a new external reference each)', s.intakeApi, s.serviceCores.intakeApi),
      row('baseline: POST /orders (staff token)', s.placeOrder, s.serviceCores.placeOrder),
    ],
  };
}

export function intakeWebhookTable(s: IntakeSection): Table {
  const w = s.webhook;
  return {
    headers: [
      'Shopify orders/create deliveries',
      'connections',
      'answered/s',
      'p50 ms',
      'p99 ms',
      'sent',
      'placed',
      'placed/s end to end',
      'drained after',
      'errors',
    ],
    rows: [
      [
        'POST /intake/shopify/webhooks (signed; stored, answered, processed after)',
        s.concurrency,
        fmt.rate(w.accepted.callsPerSec),
        fmt.ms(w.accepted.p50Ms),
        fmt.ms(w.accepted.p99Ms),
        w.deliveries,
        w.placed,
        fmt.rate(w.placedPerSec),
        `${w.drainSeconds.toFixed(1)} s`,
        w.accepted.errors,
      ],
    ],
  };
}

export function intakeMeituanTable(s: IntakeSection): Table {
  const m = s.meituan;
  return {
    headers: [
      'Meituan paid-order pushes',
      'connections',
      'answered/s',
      'p50 ms',
      'p99 ms',
      'sent',
      'placed',
      'placed/s end to end',
      'drained after',
      'sample pushed again: stored, placed',
      'errors',
    ],
    rows: [
      [
        'POST /intake/pushes/meituan/{connectionId}/paid (signed; stored, answered, processed after)',
        s.concurrency,
        fmt.rate(m.accepted.callsPerSec),
        fmt.ms(m.accepted.p50Ms),
        fmt.ms(m.accepted.p99Ms),
        m.deliveries,
        m.placed,
        fmt.rate(m.placedPerSec),
        `${m.drainSeconds.toFixed(1)} s`,
        `${m.replay.sent}: ${m.replay.stored}, ${m.replay.placed}`,
        m.accepted.errors,
      ],
    ],
  };
}

/** Every push an order placed once (one OrderPlaced each, none twice), and the replayed sample stored and placed nothing. */
function meituanCorrect(s: IntakeSection): boolean {
  const m = s.meituan;
  return (
    m.placed === m.deliveries &&
    m.orders === m.deliveries &&
    m.placements === m.orders &&
    m.replay.stored === 0 &&
    m.replay.placed === 0 &&
    m.accepted.errors === 0
  );
}

function intakeTargets(s: IntakeSection): TargetRow[] {
  const { csv } = s;
  const reportCorrect =
    csv.reportRows === csv.rows &&
    csv.counts.imported === csv.expected.imported &&
    csv.counts.duplicates === csv.expected.duplicates &&
    csv.counts.rejected === csv.expected.rejected &&
    csv.counts.needsAttention === csv.expected.needsAttention;
  const big = s.bigUpload;
  const memory: TargetRow[] = [
    {
      section: 'intake',
      what: `orders service RSS while importing ${csv.rows.toLocaleString('en-US')} rows: peak (start → peak)`,
      ours: mib(Math.max(csv.rssMiB.peakUpload, csv.rssMiB.peakImport)),
      baseline: mib(csv.rssMiB.before),
      ratio: '–',
      target: '(info)',
      met: undefined,
    },
  ];
  const small = s.smallUpload;
  if (big && small) {
    const growth = (u: typeof big) => u.rssMiB.peak - u.rssMiB.before;
    memory.push({
      section: 'intake',
      what: `orders service RSS growth while a ${(big.bytes / 2 ** 20).toFixed(0)} MiB file uploads ÷ while a ${(small.bytes / 2 ** 20).toFixed(0)} MiB one does (streamed: not with the size)`,
      ours: `+${growth(big).toFixed(0)} MiB`,
      baseline: `+${growth(small).toFixed(0)} MiB`,
      ratio: '–',
      target: 'ours ≤ baseline + 64 MiB',
      met: growth(big) <= growth(small) + 64,
    });
  }
  return [
    {
      section: 'intake',
      what: `CSV import of ${csv.rows.toLocaleString('en-US')} rows: report (imported / duplicate / rejected / needs attention)`,
      ours: `${csv.counts.imported} / ${csv.counts.duplicates} / ${csv.counts.rejected} / ${csv.counts.needsAttention}, ${csv.reportRows} rows`,
      baseline: `${csv.expected.imported} / ${csv.expected.duplicates} / ${csv.expected.rejected} / ${csv.expected.needsAttention}`,
      ratio: '–',
      target: 'equal',
      met: reportCorrect,
    },
    {
      section: 'intake',
      what: 'CSV import rows/s (orders placed, held or refused per second)',
      ours: `${fmt.rate(csv.rowsPerSec)}/s`,
      baseline: '–',
      ratio: '–',
      target: '(info)',
      met: undefined,
    },
    ...memory,
    {
      section: 'intake',
      what: `Shopify webhook orders placed/s end to end ÷ POST /orders, ${s.concurrency} connections (answered: ${fmt.rate(s.webhook.accepted.callsPerSec)}/s)`,
      ours: `${fmt.rate(s.webhook.placedPerSec)}/s`,
      baseline: `${fmt.rate(s.placeOrder.callsPerSec)}/s`,
      ratio: fmt.ratio(s.webhook.placedPerSec / s.placeOrder.callsPerSec),
      target: '(info)',
      met: s.webhook.placed === s.webhook.deliveries && s.webhook.accepted.errors === 0 ? undefined : false,
    },
    {
      section: 'intake',
      what: `Meituan paid pushes: orders placed/s end to end ÷ POST /orders, ${s.concurrency} connections (answered: ${fmt.rate(s.meituan.accepted.callsPerSec)}/s)`,
      ours: `${fmt.rate(s.meituan.placedPerSec)}/s`,
      baseline: `${fmt.rate(s.placeOrder.callsPerSec)}/s`,
      ratio: fmt.ratio(s.meituan.placedPerSec / s.placeOrder.callsPerSec),
      target: '(info)',
      met: meituanCorrect(s) ? undefined : false,
    },
    {
      section: 'intake',
      what: `orders/s taken through the intake API ÷ POST /orders, ${s.concurrency} connections`,
      ours: `${fmt.rate(s.intakeApi.callsPerSec)}/s`,
      baseline: `${fmt.rate(s.placeOrder.callsPerSec)}/s`,
      ratio: fmt.ratio(s.intakeApi.callsPerSec / s.placeOrder.callsPerSec),
      target: '(info)',
      met: s.intakeApi.errors === 0 && s.placeOrder.errors === 0 ? undefined : false,
    },
  ];
}

export const intakeReport: SectionReport<IntakeSection> = {
  render: (s, run) => {
    const alone = 'BENCH_SECTIONS=intake npm run bench';
    const { csv } = s;
    return [
      '### 13. Orders from the shops’ own systems: a CSV import of 10,000 rows, a large upload, the intake API, Shopify webhooks and Meituan pushes against POST /orders',
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${run.machine.cpus} cores (${run.machine.model}), everything on 127.0.0.1. The orders service runs as built (dist/apps/orders), in a process of its own, configured as in production (LOG_LEVEL=info); its resident memory (VmRSS) is sampled every 50 ms.`,
      '',
      `**CSV import.** A file of ${csv.rows.toLocaleString('en-US')} rows is uploaded with \`POST /intake/imports\` (streamed from disk), started with the suggested mapping and followed with \`GET /intake/imports/{id}\` every 200 ms until it finishes (${csv.progressSteps} distinct progress values seen). Every 250th row has a date that does not exist (rejected), every 500th repeats the order number of the row before (duplicate), every 1000th has no date (held for staff); the rest are orders for tomorrow, each placed through IntakePlacer (the order's decider, its personal data sealed, its events appended and relayed to Kafka), four rows in flight at a time. Rows/s is rows ÷ the import's own started → finished time. The per-row report is then read back in full.${s.bigUpload && s.smallUpload ? ` Then a ${(s.smallUpload.bytes / 2 ** 20).toFixed(0)} MiB file and a ${(s.bigUpload.bytes / 2 ** 20).toFixed(0)} MiB one (${s.bigUpload.rows.toLocaleString('en-US')} rows) are uploaded and not started: each is stored in sealed 1 MiB chunks (${(s.bigUpload.storedBytes / 2 ** 20).toFixed(0)} MiB stored for the larger) and counted and previewed on the way. The service's memory grows by what reading and storing take until the garbage collector and the allocator settle (buffers, the CSV reader, the heap), not with the file: twice the file must not take more (the target below). Both files are past that settling point: in an earlier run a 20 MiB upload grew RSS by 32 MiB and a 200 MiB one by 125 MiB.` : ''}`,
      '',
      md(intakeCsvTable(s)),
      '',
      `**Intake API against POST /orders.** ${s.concurrency} connections in a closed loop send orders to \`POST /intake/orders\` with an API key's token (a new external reference each, placed through IntakePlacer: the intake row and the order's events in one transaction), then to \`POST /orders\` with a staff token (the same order typed in), in alternating windows (intake, orders, orders, intake) of ${s.seconds / 2} s each after ${s.warmupSeconds} s of warm-up.`,
      '',
      md(intakeHttpTable(s)),
      '',
      `**Shopify webhooks against the same.** After those windows, a Shopify store is connected and ${s.concurrency} connections send it \`orders/create\` deliveries as Shopify does (its headers, the base64 HMAC-SHA256 of the body bytes), each a new order with a Zapiet delivery date and slot, for ${s.seconds} s after ${s.warmupSeconds} s of warm-up. Each is answered 200 once stored; the delivery worker then places it through IntakePlacer, six deliveries at a time (ORDERS_INTAKE_WORKER_CONCURRENCY's default; one order's deliveries one after another). Placed/s end to end is every delivery ÷ the time from the first one's arrival to the last one processed (from \`intake_deliveries\`); ${s.webhook.placed} of ${s.webhook.deliveries} became orders.`,
      '',
      md(intakeWebhookTable(s)),
      '',
      `**Meituan pushes against the same.** Then a Meituan 闪购 store is connected (its open API a local stand-in on 127.0.0.1, libs/testing/src/shop-platforms/meituan.stand-in.ts, since Meituan cannot be reached from here; ORDERS_INTAKE_PUBLIC_URL is the service's own address, so the paid callback URL the connection gives is where the pushes go) and ${s.concurrency} connections send it paid-order pushes as Meituan does (a form, every value URL-encoded twice, \`sig\` the MD5 of the callback URL, the sorted parameters and the app secret), each a new order id with a slot tomorrow in Shanghai, a booker apart from the recipient, privacy numbers and the card text in \`caution\`, for ${s.seconds} s after ${s.warmupSeconds} s of warm-up. Each is answered \`{"data":"ok"}\` once stored and placed after by the same worker, counted as the Shopify deliveries are (this connection's rows of \`intake_deliveries\`): ${s.meituan.placed} of ${s.meituan.deliveries} became orders, ${s.meituan.orders} distinct, with ${s.meituan.placements} OrderPlaced events among them. Then ${s.meituan.replay.sent} of the pushes were sent again, newly signed, as Meituan repeats them: each answered \`{"data":"ok"}\`, ${s.meituan.replay.stored} stored and ${s.meituan.replay.placed} placed again.`,
      '',
      md(intakeMeituanTable(s)),
      '',
    ];
  },
  targets: (s) => intakeTargets(s),
};
