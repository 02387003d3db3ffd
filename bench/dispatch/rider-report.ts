import { bundleTable, kB } from '../lib/bundle';
import { fmt, type PhaseResult } from '../lib/measure';
import { md, type SectionReport, type Table, type TargetRow } from '../lib/section-report';
import type { RiderSection } from './rider';

export function riderTable(r: RiderSection): Table {
  const row = (what: string, p: PhaseResult, cores: number) => [
    what,
    r.riders,
    fmt.rate(p.itemsPerSec),
    fmt.rate(p.callsPerSec),
    fmt.ms(p.p50Ms),
    fmt.ms(p.p99Ms),
    cores.toFixed(2),
    p.errors,
  ];
  return {
    headers: ['protocol', 'phones', 'reports/s', 'requests/s', 'p50 ms', 'p99 ms', 'service cores', 'errors'],
    rows: [
      row(`the rider app: ${r.batchSize} positions with ids per POST /riders/me/positions`, r.batched, r.serviceCores.batched),
      row('baseline: one position per request', r.single, r.serviceCores.single),
    ],
  };
}

/** The issue's budget: a phone on a slow network starts the app from this much script. */
export const RIDER_INITIAL_JS_GZIP_BYTES = 200 * 1024;

function riderTargets(r: RiderSection): TargetRow[] {
  return [
    {
      section: 'rider',
      what: 'rider app: first bundle (JS, gzip)',
      ours: kB(r.bundle.initialJsGzip),
      baseline: '–',
      ratio: '–',
      target: `≤ ${kB(RIDER_INITIAL_JS_GZIP_BYTES)}`,
      met: r.bundle.initialJsGzip <= RIDER_INITIAL_JS_GZIP_BYTES,
    },
    {
      section: 'rider',
      what: `position reports/s taken, batches of ${r.batchSize} ÷ one per request, ${r.riders} phones`,
      ours: `${fmt.rate(r.batched.itemsPerSec)}/s`,
      baseline: `${fmt.rate(r.single.itemsPerSec)}/s`,
      ratio: fmt.ratio(r.batched.itemsPerSec / r.single.itemsPerSec),
      target: '(info)',
      met: undefined,
    },
    {
      section: 'rider',
      what: `batches sent again answered all duplicate (${r.replay.batches.toLocaleString('en-US')} batches); accepted reports on riders.locations once (of ${r.topic.accepted.toLocaleString('en-US')})`,
      ours: `${r.replay.duplicates.toLocaleString('en-US')} of ${r.replay.reports.toLocaleString('en-US')} dup., ${r.replay.accepted} kept again; ${r.topic.missing} missing, ${r.topic.duplicates} twice`,
      baseline: '–',
      ratio: '–',
      target: 'all, 0',
      met: r.replay.duplicates === r.replay.reports && r.replay.accepted === 0 && r.topic.missing === 0 && r.topic.duplicates === 0,
    },
  ];
}

export const riderReport: SectionReport<RiderSection> = {
  render: (r, run) => {
    const alone = 'BENCH_SECTIONS=rider npm run bench';
    return [
      '### 12. The rider app: its position protocol (batches of reports with ids against one report per request) and its first bundle',
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${run.machine.cpus} cores (${run.machine.model}), everything on 127.0.0.1. The dispatch service runs as built (dist/apps/dispatch), in a process of its own, configured as in production (LOG_LEVEL=info). ${r.riders} simulated phones of one shop each post, in a closed loop, ${r.batchSize} positions per \`POST /riders/me/positions\`, each with its own id, as the rider app sends what it gathered every few seconds; then, in the same run, one position per request — the baseline. The two take turns in four windows (batched, single, single, batched) adding up to ${r.seconds} s each, after ${r.warmupSeconds} s of warm-up each. Each batch is screened (ids already kept, order, plausibility) and stored in one transaction under the rider's lock, answered 202 after the commit, and its positions are produced to \`riders.locations\`. A report counts when its request was answered 202 with every report accepted. Then each phone sends its last batches again, as a phone that lost the 202 does: each must come back all \`duplicate\`, nothing stored or published twice.`,
      '',
      md(riderTable(r)),
      '',
      "The rider app's build (`dist/rider`, what `npm run build` makes): what a phone loads before its first screen, against the issue's budget of 200 kB of script (gzip -6). The scanner library and the chat load with their screens; the service worker keeps all of it for the next start.",
      '',
      md(bundleTable(r.bundle)),
      '',
      `Sent again: ${r.replay.batches.toLocaleString('en-US')} batches, ${r.replay.duplicates.toLocaleString('en-US')} of ${r.replay.reports.toLocaleString('en-US')} reports answered \`duplicate\`, ${r.replay.accepted} kept again. On \`riders.locations\`: ${r.topic.accepted.toLocaleString('en-US')} accepted reports (warm-up included), ${r.topic.missing} missing, ${r.topic.duplicates} more than once.`,
      '',
    ];
  },
  targets: (r) => riderTargets(r),
};
