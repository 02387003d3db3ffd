/** Stops what global setup started (and only that). */
export default async function globalTeardown(): Promise<void> {
  const infra = globalThis.petalpostTestInfra;
  await Promise.all([infra?.broker?.stop(), infra?.postgres?.stop()]);
}
