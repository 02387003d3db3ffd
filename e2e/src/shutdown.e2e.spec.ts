import { readFile } from 'node:fs/promises';
import { createTestNamespace, type ServiceProcess, startServiceProcess } from '@petalpost/testing';

const logLines = async (service: ServiceProcess) =>
  (await readFile(service.logFile, 'utf8'))
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; service: string; processor?: string });

describe('a service receiving SIGTERM', () => {
  it('stops consuming, leaves its group having committed, closes and exits within seconds', async () => {
    const namespace = await createTestNamespace();
    const service = await startServiceProcess('notifications', { KAFKA_NAMESPACE: namespace });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      service.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const sentAt = Date.now();
    service.child.kill('SIGTERM');
    const exit = await exited;
    const tookMs = Date.now() - sentAt;

    // Nest re-raises the signal once everything is closed, so the exit reports SIGTERM.
    expect(String(exit.signal ?? exit.code)).toMatch(/^(SIGTERM|0)$/);
    expect(tookMs).toBeLessThan(10_000);
    const messages = (await logLines(service)).map((l) => l.msg);
    const order = ['shutting down', 'consumer stopped'].map((m) => messages.indexOf(m));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order[0]).toBeLessThan(order[1]);
  });
});
