import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testInfra } from '@petalpost/testing';

const repoRoot = join(__dirname, '..', '..', '..');

/**
 * kafkajs 2.2.4 arms its request queue's throttle timer at `throttledUntil - Date.now()`, and
 * throttledUntil is -1 until a broker throttles: a timer of minus the epoch time. Node 20 fired it
 * at once without a word; Node 24 warns on every client. patches/kafkajs+2.2.4.patch (applied by
 * npm ci's postinstall) clamps the delay at zero. A service's own process, not jest's, is where
 * an operator would see the warning, so the client runs in one here.
 */
describe('kafkajs on Node 24 (real Kafka)', () => {
  it('talks to the broker without arming a negative timer', async () => {
    const script = `
      const { Kafka, logLevel } = require('kafkajs');
      const kafka = new Kafka({ clientId: 'timers', brokers: process.env.BROKERS.split(','), logLevel: logLevel.NOTHING });
      (async () => {
        const admin = kafka.admin();
        await admin.connect();
        const topics = await admin.listTopics();
        await admin.describeCluster();
        await admin.disconnect();
        process.stdout.write('listed ' + topics.length + '\\n');
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script], { cwd: repoRoot, env: { ...process.env, BROKERS: testInfra().kafkaBrokers.join(',') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^listed \d+\n$/) });
    expect(process.version).toMatch(/^v24\./);
    expect(stderr).not.toContain('TimeoutNegativeWarning');
    expect(stderr).toBe('');
  });
});
