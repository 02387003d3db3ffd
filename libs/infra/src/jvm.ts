/**
 * What the Kafka broker and the route-solver sidecar share: both are built or fetched with Maven
 * into a cache and run as a JVM child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InfraLog } from './ports';
import { isAlive } from './process-alive';

export const noop: InfraLog = () => undefined;

/**
 * The JDK's `java` ($JAVA_HOME's first, else the one on PATH) and its major version. `missing`
 * says what it is needed for and how to get one; it is the error when none of at least
 * `minVersion` is found.
 */
export async function findJava(minVersion: number, missing: string): Promise<{ java: string; javaVersion: number }> {
  const candidates = [...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []), 'java'];
  for (const java of candidates) {
    const result = await run(java, ['-version']).catch(() => undefined);
    if (!result || result.code !== 0) continue;
    const match = /version "(\d+)(?:\.(\d+))?/.exec(result.output);
    if (!match) continue;
    const major = Number(match[1]) === 1 ? Number(match[2]) : Number(match[1]);
    if (major < minVersion) throw new Error(`${missing} (found Java ${major} at ${java})`);
    return { java, javaVersion: major };
  }
  throw new Error(missing);
}

/** Removes `<prefix><pid>-*` folders of `home` left by builds or downloads whose process is gone. */
export async function removeAbandonedPartials(home: string, prefix: string): Promise<void> {
  for (const entry of await readdir(home)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(entry.slice(prefix.length));
    if (pid && !isAlive(Number(pid[1]))) await rm(join(home, entry), { recursive: true, force: true });
  }
}

/** The child's pid once it runs; `missing` is the error when its executable is not there. */
export function spawned(child: ChildProcess, missing: string): Promise<number> {
  return new Promise<number>((resolveSpawn, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(missing) : err));
    child.once('spawn', () => (child.pid === undefined ? reject(new Error('java started without a pid')) : resolveSpawn(child.pid)));
  });
}

/** Maven prints color codes even with -q and -Dstyle.color=never; strip them from messages. */
const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command to completion, collecting stdout+stderr. Rejects only if it cannot be started. */
export function run(command: string, args: string[]): Promise<RunResult> {
  return new Promise<RunResult>((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolveRun({ code: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString('utf8').replace(ANSI_COLOR, '') }),
    );
  });
}

/** Last `n` lines of `text`, each cut to 400 characters (Raft state lines run to kilobytes). */
export function lastLines(text: string, n: number): string {
  return text
    .trimEnd()
    .split('\n')
    .slice(-n)
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)} …` : line))
    .join('\n');
}
