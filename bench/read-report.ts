import type { ReadSection } from './read';
import { md, phaseTable, ratioTarget, type RunInfo, type SectionReport, statementsTable, type Table, type TargetRow } from './lib/section-report';

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

export const readReport: SectionReport<ReadSection> = {
  render: (read, run) => {
    const out: string[] = [];
    out.push('### 2. Read + fold', '');
    out.push(
      `${read.streams} streams of ${read.eventsPerStream} events (written version by version across all streams). "ours" = \`EventStore.readStream\` of a random stream, folded with a trivial evolve; "raw" = one row of \`raw_events\` by primary key, \`pool.query({ name: 'pk', text, values })\` with pg directly.`,
      '',
    );
    out.push(md(readTable(read, run.candidateLabel)), '');
    if (read.statements.length) out.push('pg_stat_statements over the read phases:', '', md(statementsTable(read.statements)), '');
    out.push('<details><summary>EXPLAIN (ANALYZE, BUFFERS) of readStream</summary>', '', '```', read.explain, '```', '</details>', '');
    return out;
  },
  targets: (read, run) => readTargets(read, run),
};

function readTargets(read: ReadSection, run: RunInfo): TargetRow[] {
  const r = read.phases;
  const c = run.candidateLabel;
  return [
    ...ratioTarget('read', 'readStream + fold, 16 readers ÷ raw PK read', r['ours.read.c16'], r['raw.pk.c16'], 'reads', 0.25),
    ...ratioTarget('read', 'readStream + fold, 1 reader ÷ raw PK read', r['ours.read.c1'], r['raw.pk.c1'], 'reads', 0.25),
    ...(c
      ? [
          ...ratioTarget('read', `${c}: readStream + fold, 16 readers ÷ raw PK read`, r['cand.read.c16'], r['raw.pk.c16'], 'reads', 0.25),
          ...ratioTarget('read', `${c} ÷ current: readStream + fold, 16 readers`, r['cand.read.c16'], r['ours.read.c16'], 'reads'),
          ...ratioTarget('read', `${c} ÷ current: readStream + fold, 1 reader`, r['cand.read.c1'], r['ours.read.c1'], 'reads'),
        ]
      : []),
  ];
}
