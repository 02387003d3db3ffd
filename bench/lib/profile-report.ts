import { fmt, markdownTable } from './measure';
import type { ProfileSummary } from './profile';
import { md, profileTable, type SectionReport } from './section-report';

/** The CPU profiles of the bench process: information only, no targets. */
export const profileReport: SectionReport<ProfileSummary[]> = {
  render: (profiles) => {
    const out: string[] = [];
    out.push('### CPU profiles of the bench process (V8 sampler, 250 µs; separate 3 s runs at 16 concurrent calls, no other contender)', '');
    for (const p of profiles) {
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
  targets: () => [],
};
