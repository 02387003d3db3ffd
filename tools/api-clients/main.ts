import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLIENT_SERVICES, type ClientService, clientTypesPath, renderClientTypes } from './render';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..', '..');

/** The built service prints its document without a database or a broker (apps/<service>/src/openapi.ts). */
async function documentOf(service: ClientService): Promise<unknown> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'dist', 'apps', service, 'src', 'openapi.js')], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

/** `npm run contracts:clients`: writes libs/api-clients/src/openapi/<service>.ts from each service's OpenAPI document; needs nothing running. */
async function main(): Promise<void> {
  const documents = await Promise.all(CLIENT_SERVICES.map((service) => documentOf(service)));
  // All or nothing: a document the generator cannot read leaves every client as it was.
  const types = await Promise.all(CLIENT_SERVICES.map((service, i) => renderClientTypes(service, documents[i])));
  for (const [i, service] of CLIENT_SERVICES.entries()) {
    const target = join(repoRoot, clientTypesPath(service));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, types[i]);
    console.log(`wrote ${clientTypesPath(service)}`);
  }
}

main().catch((err: unknown) => {
  console.error(`contracts:clients failed: ${(err as Error).message}`);
  process.exit(1);
});
