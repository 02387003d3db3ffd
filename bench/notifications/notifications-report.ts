import { fmt, markdownTable } from '../lib/measure';
import { cores, md, type SectionReport, statementsTable, type Table, type TargetRow } from '../lib/section-report';
import type { NotificationsSection, PushPhase } from './notifications';

const PUSH_NAMES: Record<PushPhase['contender'], string> = { ours: 'notifications service', baseline: 'plain ws broadcast (baseline)' };
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

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

export const notificationsReport: SectionReport<NotificationsSection> = {
  render: (n) => {
    const out: string[] = [];
    const perShop = (clients: number) => (clients / n.shops).toLocaleString('en-US');
    out.push('### 5. Notifications: event appended → delivered over WebSocket', '');
    out.push(
      `N WebSocket clients, staff of ${n.shops} shops (N ÷ ${n.shops} per shop, one access token each, signed with the bench's own ES256 key by libs/auth's AccessTokenSigner and sent as the connection's first message), while order status changes (OrderAccepted → ProductionStarted → ArrangementFinished → OutForDelivery, ${n.shops} shops taking turns, contract-shaped data) are appended open loop at **${n.rate}/s** with the real \`EventStore\` to an order log in the bench's PostgreSQL and published by the real \`OutboxRelay\` + \`EventPublisher\` to an \`orders.events\` topic (3 partitions). Each event is owed to every client of its shop, so ${n.rate}/s means ${n.rate} × N ÷ ${n.shops} notifications/s. Per server and N: server started afresh on topics of its own, ${n.warmupSeconds} s warm-up, ${n.seconds} s measured.`,
      '',
      `- **notifications service**: the service as built (${n.entry ? `\`${n.entry}\`, BENCH_NOTIFY_MAIN` : 'dist/apps/notifications of this tree'}), in a process of its own, configured as in production (NODE_ENV=production, trusting only the bench's own ES256 key, LOG_LEVEL=${n.logLevel}${n.logLevel === 'info' ? ', the default; connects and disconnects log at debug, so nothing is logged per notification' : ''}; schema of its own, migrated at start), so each event goes through its three consumers of \`orders.events\` (inbox, tracking page, webhooks), is written into every audience's inbox with its NOTIFY, read back once per audience and sent to each reader as its own frame (cursor, alert).`,
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
  targets: (n) => notificationsTargets(n),
};
