import type { AppendSection } from './append';
import { md, phaseTable, ratioTarget, type RunInfo, type SectionReport, statementsTable, type Table, type TargetRow } from './lib/section-report';

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

export const appendReport: SectionReport<AppendSection> = {
  render: (a, run) => {
    const out: string[] = [];
    out.push('### 1. Append', '');
    out.push(
      'Closed loop, one call per writer at a time, through the DataSource\'s pool. "ours" is `EventStore.append` (one SQL statement: stream upsert + events + idempotency key, RETURNING the rows); "raw" is a plain `INSERT` of the same columns and JSON (≈330 B data, ≈170 B metadata) into `raw_events` (bigint identity PK, nothing else) through the same pg pool. Client CPU is this Node process\'s; PG CPU is the postmaster and all backends (from /proc); WAL B/item is `pg_current_wal_insert_lsn()` over the window ÷ items.',
      '',
    );
    out.push(md(appendTable(a, run.candidateLabel)), '');
    if (a.statements.length) out.push('pg_stat_statements over the append phases (mean per call):', '', md(statementsTable(a.statements)), '');
    out.push(
      '<details><summary>EXPLAIN (ANALYZE, BUFFERS, WAL) of the append statement — new stream</summary>',
      '',
      '```',
      a.explainNew,
      '```',
      '</details>',
      '',
    );
    out.push(
      '<details><summary>EXPLAIN (ANALYZE, BUFFERS, WAL) of the append statement — existing stream</summary>',
      '',
      '```',
      a.explainExisting,
      '```',
      '</details>',
      '',
    );
    return out;
  },
  targets: (a, run) => appendTargets(a, run),
};

function appendTargets(append: AppendSection, run: RunInfo): TargetRow[] {
  const a = append.phases;
  const c = run.candidateLabel;
  return [
    ...ratioTarget('append', 'append 1 event, new stream, 16 writers ÷ raw 1-row INSERT', a['ours.new.c16'], a['raw.single.c16'], 'events', 0.5),
    ...ratioTarget('append', 'append 1 event, existing stream, 16 writers ÷ raw 1-row INSERT', a['ours.existing.c16'], a['raw.single.c16'], 'events', 0.5),
    ...ratioTarget('append', 'append 10 events, 16 writers ÷ raw 10-row INSERT', a['ours.batch10.c16'], a['raw.batch10.c16'], 'events', 0.4),
    ...ratioTarget('append', 'append 1 event, new stream, 1 writer ÷ raw', a['ours.new.c1'], a['raw.single.c1'], 'events'),
    ...ratioTarget('append', 'append 1 event, existing stream, 1 writer ÷ raw', a['ours.existing.c1'], a['raw.single.c1'], 'events'),
    ...ratioTarget('append', 'append 10 events, 1 writer ÷ raw', a['ours.batch10.c1'], a['raw.batch10.c1'], 'events'),
    ...(c
      ? [
          ...ratioTarget('append', `${c}: append 1 event, new stream, 16 writers ÷ raw`, a['cand.new.c16'], a['raw.single.c16'], 'events', 0.5),
          ...ratioTarget('append', `${c}: append 1 event, existing stream, 16 writers ÷ raw`, a['cand.existing.c16'], a['raw.single.c16'], 'events', 0.5),
          ...ratioTarget('append', `${c}: append 10 events, 16 writers ÷ raw`, a['cand.batch10.c16'], a['raw.batch10.c16'], 'events', 0.4),
          ...ratioTarget('append', `${c} ÷ current: append 1 event, new stream, 16 writers`, a['cand.new.c16'], a['ours.new.c16'], 'events'),
          ...ratioTarget('append', `${c} ÷ current: append 1 event, existing stream, 16 writers`, a['cand.existing.c16'], a['ours.existing.c16'], 'events'),
          ...ratioTarget('append', `${c} ÷ current: append 10 events, 16 writers`, a['cand.batch10.c16'], a['ours.batch10.c16'], 'events'),
          ...ratioTarget('append', `${c} ÷ current: append 1 event, new stream, 1 writer`, a['cand.new.c1'], a['ours.new.c1'], 'events'),
        ]
      : []),
  ];
}
