import { fmt, markdownTable, p50p99 as pair } from '../lib/measure';
import { cores, md, type SectionReport, type Table, type TargetRow } from '../lib/section-report';
import { type MessagingSection, type PathResult, PATH_NAMES } from './messaging';

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

export const messagingReport: SectionReport<MessagingSection> = {
  render: (m, run) => {
    const out: string[] = [];
    const { messaging: ours, orders: base } = m.results;
    const machine = run.machine;
    const alone = 'BENCH_SECTIONS=messaging npm run bench';
    out.push('### 6. Messaging: a message posted → on `messaging.events`, against the orders append path', '');
    out.push(
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${machine.cpus} cores (${machine.model}) and ${machine.memoryGiB.toFixed(1)} GiB of RAM, everything on 127.0.0.1. Both services run as built (dist/apps/orders${m.entry ? ` of this tree; messaging: \`${m.entry}\`, BENCH_MESSAGING_MAIN` : ' and dist/apps/messaging of this tree'}), each in a process of its own, configured as in production (NODE_ENV=production, secrets of their own, both trusting the bench's ES256 key, LOG_LEVEL=${m.logLevel}${m.logLevel === 'info' ? ', the default: Fastify logs each request and its completion, JSON to a file' : ''}), on the bench's PostgreSQL (a schema each) and broker (topics of this run): the messaging service opens its conversations from the orders service's \`orders.events\`, as deployed.`,
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
  targets: (m) => messagingTargets(m),
};
