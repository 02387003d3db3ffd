import { fmt, type PhaseResult } from '../lib/measure';
import { md, type SectionReport, type Table, type TargetRow } from '../lib/section-report';
import type { LocationsSection } from './locations';

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

function serviceCoresNote(l: LocationsSection): string {
  return l.serviceCores === undefined ? '' : `The service used ${l.serviceCores.toFixed(2)} of a core while measured.`;
}

export const locationsReport: SectionReport<LocationsSection> = {
  render: (l, run) => {
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
  targets: (l) => locationsTargets(l),
};
