import { fmt, p50p99 } from './lib/measure';
import { md, type SectionReport, type Table, type TargetRow } from './lib/section-report';
import { CURRENT_RELAY, type RelaySection } from './relay';

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
      p50p99(x.commitToAckMs),
      p50p99(x.commitToConsumedMs),
      p50p99(x.sentToConsumedMs),
      `${x.lagEvents.p50} / ${x.lagEvents.p99}`,
      p50p99(x.appendMs),
      x.batches,
      p50p99(x.publishMs),
      p50p99(x.betweenPublishesMs),
      x.lost,
    ]),
  };
}

export const relayReport: SectionReport<RelaySection> = {
  render: (r) => {
    const out: string[] = [];
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
  targets: (r) => relayTargets(r),
};

function relayTargets(r: RelaySection): TargetRow[] {
  const rows: TargetRow[] = [];
  const relayLabel = r.label !== CURRENT_RELAY ? `${r.label}: ` : '';
  for (const x of r.rates) {
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
  if (Number.isFinite(r.capacity.rate)) {
    const top = Math.max(...r.rates.map((x) => x.appendRate));
    rows.push({
      section: 'relay',
      what: `${relayLabel}relay capacity (draining a backlog) ÷ highest append rate`,
      ours: `${fmt.rate(r.capacity.rate)} events/s`,
      baseline: `${fmt.rate(top)} events/s`,
      ratio: fmt.ratio(r.capacity.rate / top),
      target: '≥ 1.00×',
      met: r.capacity.rate / top >= 1,
    });
  }
  return rows;
}
