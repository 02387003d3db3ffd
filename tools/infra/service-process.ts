import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tailFile } from './kafka-broker';

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
  const child = spawn(process.execPath, ['--enable-source-maps', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
        const inTime = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
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
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with code ${service.child.exitCode}:\n${await tailFile(service.logFile, 15)}`);
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
