import { rm } from 'node:fs/promises';

/** Stops what global setup started (and only that), then removes the run's data. */
export default async function globalTeardown(): Promise<void> {
  const infra = globalThis.petalpostTestInfra;
  await Promise.all([infra?.broker?.stop(), infra?.postgres?.stop()]);
  if (infra?.dataDir) await rm(infra.dataDir, { recursive: true, force: true });
}
