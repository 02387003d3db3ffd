import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLIENT_SERVICES, type ClientService, clientTypesPath, renderClientTypes } from './render';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..', '..');

/**
 * Writes libs/api-clients/src/openapi/<service>.ts from each service's OpenAPI document. The built
 * service prints its document without a database or a broker (apps/<service>/src/openapi.ts), so
 * this needs nothing running.
 */
async function documentOf(service: ClientService): Promise<unknown> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'dist', 'apps', service, 'src', 'openapi.js')], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

async function main(): Promise<void> {
  const documents = await Promise.all(CLIENT_SERVICES.map((service) => documentOf(service)));
  for (const [i, service] of CLIENT_SERVICES.entries()) {
    const target = join(repoRoot, clientTypesPath(service));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await renderClientTypes(service, documents[i]));
    console.log(`wrote ${clientTypesPath(service)}`);
  }
}

main().catch((err: unknown) => {
  console.error(`contracts:clients failed: ${(err as Error).message}`);
  process.exit(1);
});
