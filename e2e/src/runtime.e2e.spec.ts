import { readFile } from 'node:fs/promises';
import { createTestNamespace, startServiceProcess } from '@petalpost/testing';

describe('the runtime a service runs on', () => {
  it('is the pinned Node 24, started the way npm start starts it, and its ready line says so', async () => {
    const service = await startServiceProcess('orders', { KAFKA_NAMESPACE: await createTestNamespace() });
    try {
      const ready = (await readFile(service.logFile, 'utf8'))
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; node?: string })
        .find((line) => line.msg === 'orders ready');
      expect(ready?.node).toBe(process.version);
      expect(ready?.node).toMatch(/^v24\./);
    } finally {
      await service.stop();
    }
  });
});
