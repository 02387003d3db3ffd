import { fmt, markdownTable } from '../lib/measure';
import { inclusiveTable, md, orderStatementsTable, profileTable, type SectionReport, type Table, type TargetRow } from '../lib/section-report';
import type { HttpKey, HttpSection } from './http';
import type { HttpResult } from './load';

const HTTP_ROWS: [HttpKey, string][] = [
  ['fastify.hello', 'bare Fastify: GET /hello (baseline)'],
  ['nest-fastify.hello', 'Nest on Fastify: GET /hello'],
  ['nest-express.hello', 'Nest on Express: GET /hello'],
  ['orders.create', 'orders service: POST /orders (create order)'],
];

export function httpTable(h: HttpSection): Table {
  return {
    headers: [
      'contender',
      'conn.',
      'req/s',
      'p50 ms',
      'p99 ms',
      'server CPU µs/req',
      'server cores',
      'PG + broker CPU µs/req',
      'load-gen CPU µs/req',
      'other load (cores)',
      'errors',
    ],
    rows: HTTP_ROWS.filter(([key]) => h.results[key]).map(([key, label]) => {
      const x = h.results[key] as HttpResult;
      return [
        label,
        x.connections,
        fmt.rate(x.requestsPerSec),
        fmt.ms(x.p50Ms),
        fmt.ms(x.p99Ms),
        fmt.us(x.serverCpuUsPerReq),
        x.serverCores !== undefined ? x.serverCores.toFixed(2) : '–',
        key === 'orders.create' ? fmt.us(x.backendCpuUsPerReq) : '–',
        fmt.us(x.loadGenCpuUsPerReq),
        x.otherCores !== undefined ? x.otherCores.toFixed(2) : '–',
        x.errors,
      ];
    }),
  };
}

export const httpReport: SectionReport<HttpSection> = {
  render: (h, run) => {
    const out: string[] = [];
    out.push('### 4. HTTP', '');
    out.push(
      `Every server runs in a process of its own on 127.0.0.1; the load generator is autocannon ${h.versions.autocannon} in the bench process, ${h.connections} keep-alive connections, one request at a time per connection (closed loop, no pipelining). Per contender: ${run.warmupSeconds} s warm-up, then the contenders take turns in 4 windows (A B C D, D C B A, …; each opens fresh connections and ignores its first 200 ms) adding up to ${run.phaseSeconds} s each. Every response is checked (status, and body: \`{"hello":"world"}\`, or a created order with its \`orderId\`); any other answer, timeout or connection error counts as an error, warm-ups included, and a contender with errors fails its target.`,
      '',
      `- **bare Fastify** ${h.versions.fastify}: \`GET /hello\` → \`{hello:'world'}\`, no logger, hooks or schema (bench/http/fastify-hello.ts).`,
      `- **Nest hello**: one controller returning \`{hello:'world'}\` with Nest's defaults (@nestjs/core ${h.versions['@nestjs/core']}), on @nestjs/platform-fastify ${h.versions['@nestjs/platform-fastify']}${h.expressSkipped ? `; Nest on Express not measured (${h.expressSkipped})` : ` and on @nestjs/platform-express ${h.versions['@nestjs/platform-express']} (Express ${h.versions.express})`} (bench/http/nest-hello.ts).`,
      `- **create order**: the orders service as built (${h.ordersMain ? `\`${h.ordersMain}\`, BENCH_HTTP_ORDERS_MAIN` : 'dist/apps/orders of this tree'}), configured as in production (NODE_ENV=production, trusting only the bench's own ES256 key (AUTH_JWKS), its own personal-data key, LOG_LEVEL=${h.logLevel}${h.logLevel === 'info' ? ', the default: Fastify logs each request and its completion, JSON to a file' : ''}), on the bench's PostgreSQL and broker; \`POST /orders\` with a staff token and the body of \`placeOrderBody()\` (bench/http/order-body.ts), so all the endpoint does: the ES256 token check, zod validation, sealing the buyer's and the recipient's personal data, the decider, the append to the order log, the answer; meanwhile the service's outbox relay publishes each order to Kafka and its projection lists it.` +
        (h.ordersAppended
          ? ` After the run the order log held ${h.ordersAppended.events} OrderPlaced events for ${h.ordersAppended.created} checked answers 201 (the difference: the first check, and requests still in flight when a window closed).`
          : ''),
      "- *server CPU* is the server process's (from /proc), *server cores* how many cores it kept busy (near 1.0: the server, single-threaded, was the limit; below: the load generator or the machine was); *load-gen CPU* is the bench process's. On 2 cores the generator and the server share the machine, so a faster server also leaves less CPU to the generator: compare server CPU per request too.",
      '',
    );
    out.push(md(httpTable(h)), '');
    const p = h.ordersProfile;
    if (p) {
      out.push(
        `**Where a create order's time goes**: the orders service alone under the same load (${p.connections} connections, ${p.seconds.toFixed(1)} s, ${p.orders} orders, ${fmt.rate(p.requestsPerSec)}/s), in a window of its own after the comparison, CPU-profiled from inside (V8 sampler, 250 µs) while pg_stat_statements counted. ${fmt.us(p.profile.busyUsPerCall)} µs of sampled main-thread time per order; the process used ${fmt.us(p.profile.cpuUsPerCall)} µs of CPU per order (all its threads), PostgreSQL ${fmt.us(p.postgresCpuUsPerOrder)} µs and the broker ${fmt.us(p.brokerCpuUsPerOrder)} µs.`,
        '',
        md(profileTable(p.profile)),
        '',
      );
      if (p.profile.inclusive?.length) {
        out.push(
          'Our own functions by inclusive time (their own and what they call synchronously; work resumed after an `await` counts under the function that resumes):',
          '',
          md(inclusiveTable(p.profile)),
          '',
        );
      }
      out.push(
        '<details><summary>heaviest functions in the service (self time)</summary>',
        '',
        markdownTable(
          ['function', 'share'],
          p.profile.functions.map((f) => [`\`${f.fn}\``, `${(f.share * 100).toFixed(1)}%`]),
        ),
        '',
        '</details>',
        '',
      );
      if (p.statements.length) {
        out.push(
          "<details><summary>pg_stat_statements over the profiled window (the service's API, relay and projection together)</summary>",
          '',
          md(orderStatementsTable(p.statements, p.orders)),
          '',
          '</details>',
          '',
        );
      }
    }
    return out;
  },
  targets: (h) => httpTargets(h),
};

function httpTargets(h: HttpSection): TargetRow[] {
  const rows: TargetRow[] = [];
  const r = h.results;
  const c = h.connections;
  const addHttp = (what: string, ours: HttpResult | undefined, base: HttpResult | undefined, target?: number) => {
    if (!ours || !base) return;
    const ratio = ours.requestsPerSec / base.requestsPerSec;
    const errors = ours.errors + base.errors;
    rows.push({
      section: 'http',
      what: `${what}, ${c} connections${errors ? ` (${errors} errors)` : ''}`,
      ours: `${fmt.rate(ours.requestsPerSec)} req/s`,
      baseline: `${fmt.rate(base.requestsPerSec)} req/s`,
      ratio: fmt.ratio(ratio),
      target: target === undefined ? '(info)' : `≥ ${target.toFixed(2)}×`,
      // A run with errors proves nothing about speed.
      met: target === undefined ? undefined : ratio >= target && errors === 0,
    });
  };
  addHttp('create order (POST /orders: validation + append) ÷ bare Fastify hello', r['orders.create'], r['fastify.hello'], 0.35);
  addHttp('Nest on Fastify hello ÷ bare Fastify hello', r['nest-fastify.hello'], r['fastify.hello'], 0.8);
  addHttp('Nest on Express hello ÷ bare Fastify hello', r['nest-express.hello'], r['fastify.hello']);
  addHttp('Nest on Express hello ÷ Nest on Fastify hello', r['nest-express.hello'], r['nest-fastify.hello']);
  return rows;
}
