import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestNamespace, type ServiceProcess, startServiceProcess } from '@petalpost/testing';
import { CLIENT_SERVICES, type ClientService, clientTypesPath, renderClientTypes } from './render';

const repoRoot = join(__dirname, '..', '..');

/** Each service as its own built process, as `npm start` runs it: the document it serves is the one integrators get. */
describe('the typed clients in libs/api-clients', () => {
  const running = new Map<ClientService, ServiceProcess>();

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    await Promise.all(CLIENT_SERVICES.map(async (name) => running.set(name, await startServiceProcess(name, { KAFKA_NAMESPACE: namespace }))));
  }, 180_000);
  afterAll(() => Promise.all([...running.values()].map((service) => service.stop())));

  it.each(CLIENT_SERVICES)('are what the %s service’s served document generates (else: npm run contracts:clients)', async (service) => {
    const response = await fetch(`${running.get(service)!.url}/docs/json`);
    expect(response.status).toBe(200);
    const generated = await renderClientTypes(service, await response.json());
    const committed = await readFile(join(repoRoot, clientTypesPath(service)), 'utf8');
    try {
      expect(committed).toBe(generated);
    } catch (err) {
      throw new Error(`${clientTypesPath(service)} differs from the ${service} service's document: run npm run contracts:clients\n\n${(err as Error).message}`);
    }
  });
});
