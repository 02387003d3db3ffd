import { Session } from 'node:inspector';
import type { PhaseResult } from './measure';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  name: string;
  calls: number;
  /**
   * Sampled time of the main thread outside the event loop's wait, per call. It includes time the
   * thread was in a syscall or waiting for a core (on a busy machine, mostly inside `writev`).
   */
  busyUsPerCall: number;
  /** What the process actually spent on CPU per call (process.cpuUsage), for comparison. */
  cpuUsPerCall: number;
  /** Share of the busy time by where the code lives. */
  categories: { category: string; ms: number; share: number; usPerCall: number }[];
  /** Heaviest functions by self time. */
  functions: { fn: string; ms: number; share: number }[];
  /**
   * Our own functions (apps/, libs/) by inclusive time: their own and what they call synchronously.
   * Work resumed after an `await` counts under the function that resumes, not its caller.
   */
  inclusive?: { fn: string; share: number; usPerCall: number }[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/** Where a sampled frame's code lives: a package, our libs, Node's core or V8 itself. */
function categoryOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) {
    const name = pkg[1];
    if (name === 'pg' || name.startsWith('pg-')) return 'pg (driver)';
    return name;
  }
  if (url.startsWith('node:')) return 'node core (net, streams, timers)';
  const ours = /\/dist\/(apps\/[^/]+|libs\/[^/]+|bench|tools\/[^/]+)\//.exec(url);
  if (ours) return ours[1] === 'bench' ? 'bench harness' : ours[1];
  return 'other';
}

function shortLocation(frame: ProfileNode['callFrame']): string {
  const { url, functionName, lineNumber } = frame;
  if (!url) return functionName;
  const pkg = /node_modules\/(.*)$/.exec(url);
  const file = pkg ? pkg[1] : url.replace(/^.*\/dist\//, 'dist/').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/** CPU-profiles this process (V8 sampling profiler, 250 µs) while `run` executes, and summarises it. */
export async function profiled(name: string, run: () => Promise<PhaseResult>): Promise<{ result: PhaseResult; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 250 });
    await post(session, 'Profiler.start');
    const result = await run();
    const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
    return { result, summary: { ...summariseProfile(name, profile, result.calls), cpuUsPerCall: result.clientCpuUsPerCall } };
  } finally {
    session.disconnect();
  }
}

/** Where the sampled time of `profile` went, per call: by package (or our app or lib) and by function. */
export function summariseProfile(name: string, profile: Profile, calls: number): Omit<ProfileSummary, 'cpuUsPerCall'> {
  const totalHits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const msPerHit = totalHits ? (profile.endTime - profile.startTime) / 1000 / totalHits : 0;
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyHits = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const category = categoryOf(node.callFrame);
    if (category === '(idle)') continue;
    busyHits += hits;
    byCategory.set(category, (byCategory.get(category) ?? 0) + hits);
    const fn = shortLocation(node.callFrame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const busyMs = busyHits * msPerHit;
  // Profiled phases run without warm-up, so the profile spans the measured window (and the last calls' tail).
  const categories = [...byCategory.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([category, hits]) => ({ category, ms: hits * msPerHit, share: hits / busyHits, usPerCall: calls ? (hits * msPerHit * 1000) / calls : Number.NaN }));
  const functions = [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([fn, hits]) => ({ fn, ms: hits * msPerHit, share: hits / busyHits }));
  return {
    name,
    calls,
    busyUsPerCall: calls ? (busyMs * 1000) / calls : Number.NaN,
    categories,
    functions,
    inclusive: inclusiveOurs(profile, busyHits, msPerHit, calls),
  };
}

/** Inclusive samples of each of our functions (a recursive one counted once per stack). */
function inclusiveOurs(profile: Profile, busyHits: number, msPerHit: number, calls: number): ProfileSummary['inclusive'] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const subtree = new Map<number, number>();
  const hitsUnder = (node: ProfileNode): number => {
    let hits = categoryOf(node.callFrame) === '(idle)' ? 0 : (node.hitCount ?? 0);
    for (const id of node.children ?? []) {
      const child = byId.get(id);
      if (child) hits += hitsUnder(child);
    }
    subtree.set(node.id, hits);
    return hits;
  };
  const totals = new Map<string, number>();
  const walk = (node: ProfileNode, onStack: Set<string>): void => {
    const ours = /^(apps|libs)\//.test(categoryOf(node.callFrame));
    const fn = shortLocation(node.callFrame);
    const counted = ours && !onStack.has(fn);
    if (counted) {
      totals.set(fn, (totals.get(fn) ?? 0) + (subtree.get(node.id) ?? 0));
      onStack.add(fn);
    }
    for (const id of node.children ?? []) {
      const child = byId.get(id);
      if (child) walk(child, onStack);
    }
    if (counted) onStack.delete(fn);
  };
  for (const root of profile.nodes.filter((node) => !childIds.has(node.id))) {
    hitsUnder(root);
    walk(root, new Set());
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([fn, hits]) => ({ fn, share: busyHits ? hits / busyHits : 0, usPerCall: calls ? (hits * msPerHit * 1000) / calls : Number.NaN }));
}
