import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tailFile } from './kafka-broker';
import type { InfraLog } from './ports';

export interface ServiceProcess {
  name: string;
  url: string;
  logFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs one service's compiled main.js with its environment, its JSON logs going to a file. */
export function spawnService(name: string, entry: string, url: string, env: Record<string, string>, logFile: string): ServiceProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  // Own process group: Ctrl-C reaches the start command, which stops services before their infrastructure.
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Its own process group outlives this process: should this one end without stopping it, tell it to here.
  const stopOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stopOnExit);
  void exited.then(() => process.removeListener('exit', stopOnExit));
  let stopping: Promise<void> | undefined;
  return {
    name,
    url,
    logFile,
    child,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        // Unreferenced: once the service exited, nothing may keep this process waiting out the 15 s.
        const inTime = await Promise.race([exited.then(() => true), sleep(15_000, false, { ref: false })]);
        if (!inTime) {
          child.kill('SIGKILL');
          await exited;
        }
      })()),
  };
}

/** Waits for /health/ready; fails with the end of the service's log if it exits or takes too long. */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = service.child;
    if (exitCode !== null || signalCode !== null) {
      const how = signalCode ? `signal ${signalCode}` : `code ${String(exitCode)}`;
      throw new Error(`${service.name} exited with ${how}:\n${await tailFile(service.logFile, 15)}`);
    }
    try {
      const response = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs / 1000} s:\n${await tailFile(service.logFile, 15)}`);
}

/** When a crashed service is started again: 1 s, doubling to 30 s; after a minute up, from 1 s again. */
export interface RestartPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** A service that stayed up this long counts as healthy: its next crash is attempt 1 again. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000, resetAfterMs: 60_000 };

/** The restart after a crash: its attempt number (in a row) and how long to wait before it. */
export function nextRestart(previousAttempt: number, upMs: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): { attempt: number; delayMs: number } {
  const attempt = upMs >= policy.resetAfterMs ? 1 : previousAttempt + 1;
  const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(attempt - 1, 30));
  return { attempt, delayMs };
}

export interface SupervisedService {
  name: string;
  url: string;
  logFile: string;
  /** The process running the service now: another one after each restart. */
  current(): ServiceProcess;
  /** Stops the service and any restart still pending. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Keeps a service running: when its process exits without being stopped, says so and starts it
 * again with `respawn` after a backoff ({@link nextRestart}), then says when it is ready again.
 */
export function superviseService(
  first: ServiceProcess,
  respawn: () => ServiceProcess,
  log: InfraLog,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): SupervisedService {
  let running = first;
  let startedAt = Date.now();
  let attempt = 0;
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;

  const watch = (service: ServiceProcess): void => {
    service.child.once('exit', (code, signal) => {
      if (stopped) return;
      const restart = nextRestart(attempt, Date.now() - startedAt, policy);
      attempt = restart.attempt;
      const how = signal ? `signal ${signal}` : `code ${String(code)}`;
      log(
        `${service.name} exited (${how}), restarting in ${restart.delayMs / 1000} s (attempt ${attempt}); see ${service.logFile.startsWith(process.cwd()) ? relative(process.cwd(), service.logFile) : service.logFile}`,
      );
      pending = setTimeout(() => {
        pending = undefined;
        if (stopped) return;
        running = respawn();
        startedAt = Date.now();
        watch(running);
        void announceReady(running);
      }, restart.delayMs);
    });
  };
  const announceReady = async (service: ServiceProcess): Promise<void> => {
    const since = Date.now();
    try {
      await waitUntilReady(service);
      if (!stopped && running === service) log(`${service.name} is back (ready in ${((Date.now() - since) / 1000).toFixed(1)} s)`);
    } catch (err) {
      // An exit is reported (and restarted) by watch(); only a service that never got ready is told here.
      if (!stopped && service.child.exitCode === null && service.child.signalCode === null) log((err as Error).message);
    }
  };
  watch(first);

  return {
    name: first.name,
    url: first.url,
    logFile: first.logFile,
    current: () => running,
    stop: () => {
      stopped = true;
      clearTimeout(pending);
      return running.stop();
    },
  };
}
