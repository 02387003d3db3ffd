import { bundleTable, kB } from '../lib/bundle';
import { md, type SectionReport, type Table, type TargetRow } from '../lib/section-report';
import type { ConsoleSection, ScreenTiming } from './console';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : Number.NaN;
};

/** Budgets from the console issue: what a cheap laptop on the shop's counter must get. */
export const CONSOLE_TARGETS = { initialJsGzipBytes: 250 * 1024, firstScreenMs: 1000, p95FrameMs: 50, liveMs: 1000 };

export function consoleTable(c: ConsoleSection): Table {
  const row = (what: string, t: ScreenTiming) => [
    what,
    t.orders,
    `${median(t.firstCardMs)} ms`,
    `${median(t.allCardsMs)} ms`,
    t.frames.count ? `${t.frames.p50} / ${t.frames.p95} ms` : '–',
    t.frames.count ? `${t.frames.over50} of ${t.frames.count}` : '–',
  ];
  return {
    headers: ['screen', 'orders', 'first card (median)', 'every card (median)', 'scroll frame p50 / p95', 'frames over 50 ms'],
    rows: [
      ['sign-in screen (floor: files + app start, no API)', '–', `${median(c.signInMs)} ms`, '–', '–', '–'],
      row('board, baseline', c.baseline),
      row('board', c.board),
    ],
  };
}

export function liveTable(c: ConsoleSection): Table {
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))];
  return {
    headers: ['an order placed while the board is open', 'median', 'p95', 'runs'],
    rows: [
      ['the API answers the placing (baseline)', `${median(c.live.placedMs)} ms`, `${p95(c.live.placedMs)} ms`, c.live.placedMs.length],
      ['it is on the open board (stream, refetch, render)', `${median(c.live.onScreenMs)} ms`, `${p95(c.live.onScreenMs)} ms`, c.live.onScreenMs.length],
    ],
  };
}

function consoleTargets(c: ConsoleSection): TargetRow[] {
  const first = median(c.board.firstCardMs);
  const base = median(c.baseline.firstCardMs);
  return [
    {
      section: 'console',
      what: 'console: first bundle (JS, gzip)',
      ours: kB(c.bundle.initialJsGzip),
      baseline: '–',
      ratio: '–',
      target: `≤ ${kB(CONSOLE_TARGETS.initialJsGzipBytes)}`,
      met: c.bundle.initialJsGzip <= CONSOLE_TARGETS.initialJsGzipBytes,
    },
    {
      section: 'console',
      what: `console: board of ${c.board.orders} orders, first card (loopback)`,
      ours: `${first} ms`,
      baseline: `${base} ms (${c.baseline.orders} orders)`,
      ratio: `${(first / base).toFixed(2)}×`,
      target: `≤ ${CONSOLE_TARGETS.firstScreenMs} ms`,
      met: first <= CONSOLE_TARGETS.firstScreenMs,
    },
    {
      section: 'console',
      what: 'console: an order placed, on the open board (median)',
      ours: `${median(c.live.onScreenMs)} ms`,
      baseline: `${median(c.live.placedMs)} ms (the API's answer)`,
      ratio: `${(median(c.live.onScreenMs) / median(c.live.placedMs)).toFixed(2)}×`,
      target: `≤ ${CONSOLE_TARGETS.liveMs} ms`,
      met: median(c.live.onScreenMs) <= CONSOLE_TARGETS.liveMs,
    },
    {
      section: 'console',
      what: `console: scrolling ${c.board.orders} orders, p95 frame`,
      ours: `${c.board.frames.p95} ms`,
      baseline: `${c.baseline.frames.p95} ms (${c.baseline.orders} orders)`,
      ratio: c.baseline.frames.p95 ? `${(c.board.frames.p95 / c.baseline.frames.p95).toFixed(2)}×` : '–',
      target: `≤ ${CONSOLE_TARGETS.p95FrameMs} ms`,
      met: c.board.frames.p95 <= CONSOLE_TARGETS.p95FrameMs,
    },
  ];
}

export const consoleReport: SectionReport<ConsoleSection> = {
  render: (c, run) => {
    const alone = 'BENCH_SECTIONS=console npm run bench';
    return [
      '### 11. The shop console in a browser: first bundle, first useful screen, a busy day scrolled',
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${run.machine.cpus} cores (${run.machine.model}), Node ${run.machine.node}. ` +
        `The console as \`npm run build\` builds it (dist/console), served by the gateway, in Debian's Chromium (headless, 1280 × 800) against the built orders, dispatch and notifications services on this machine's PostgreSQL and Kafka. ` +
        `Each of ${c.runs} runs opens a fresh browser context on the day's board (\`/orders?view=list&day=\`, the shop's next day) of a shop with ${c.board.orders} orders that day and of one with ${c.baseline.orders} (the baseline), in alternating order, signed in as sign-in leaves the browser; times are from navigation start (\`performance.now()\`). ` +
        `The floor is the sign-in screen: the same files and the app's start, with no API call. The last run scrolls each list top to bottom, 60 px a frame, and records every frame's interval.`,
      '',
      md(bundleTable(c.bundle)),
      '',
      md(consoleTable(c)),
      '',
      `Live: with the baseline shop's board open, ${c.live.onScreenMs.length} orders are placed one at a time through the orders API; each is timed from sending the request until its reference is on screen (the event through Kafka, the notifications inbox, the WebSocket, the board's refetch and render), against the API's own answer.`,
      '',
      md(liveTable(c)),
    ];
  },
  targets: (c) => consoleTargets(c),
};
