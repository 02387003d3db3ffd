/**
 * The Node major every Petalpost process runs on. package.json pins that runtime as the `node`
 * dev dependency (npm run puts its binary first on the PATH) and states it in `engines`; a unit
 * test keeps the three in step.
 */
export const SUPPORTED_NODE_MAJOR = 24;

/** Why this Node cannot run Petalpost, or undefined when it can. */
export function runtimeProblem(nodeVersion: string): string | undefined {
  const major = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  if (major === SUPPORTED_NODE_MAJOR) return undefined;
  return (
    `runs on Node ${SUPPORTED_NODE_MAJOR}, not Node ${nodeVersion.replace(/^v/, '')}: ` +
    `start it through npm (npm start, npm test, npm run …), which uses the Node ${SUPPORTED_NODE_MAJOR} that npm ci installed into node_modules`
  );
}

/** Thrown before anything starts on another Node major, so a wrong runtime fails at once and says why. */
export class UnsupportedRuntimeError extends Error {
  override readonly name = 'UnsupportedRuntimeError';
}

export function assertSupportedRuntime(nodeVersion: string = process.versions.node): void {
  const problem = runtimeProblem(nodeVersion);
  if (problem) throw new UnsupportedRuntimeError(`Petalpost ${problem}`);
}
