import type { SectionReport } from '../lib/section-report';
import { type PlannerBenchResult, plannerTargets, renderPlannerSection } from './planner-bench';

export const plannerReport: SectionReport<PlannerBenchResult> = {
  render: (planner, run) => {
    const alone = 'BENCH_SECTIONS=planner npm run bench';
    const [heading, ...rest] = renderPlannerSection(planner).split('\n');
    return [
      heading.replace('### Route planner', '### 7. Route planner: ours against jsprit, a naive dispatcher and the Solomon best-known solutions'),
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`}, in the bench's own process.`,
      ...rest,
    ];
  },
  targets: (planner) =>
    plannerTargets(planner).map((t) => ({
      section: 'planner' as const,
      what: t.what,
      ours: t.measured,
      baseline: '',
      ratio: '',
      target: t.target,
      met: t.met,
    })),
};
