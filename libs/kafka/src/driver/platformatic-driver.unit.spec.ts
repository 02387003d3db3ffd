import { compatibilityPartitioner, defaultPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { platformaticDriver } from './platformatic-driver';

describe('the @platformatic/kafka adapter', () => {
  const driver = platformaticDriver({ clientId: 'unit', brokers: ['127.0.0.1:1'] });

  // That client's idempotent producer turns retries ≤ 1 into Number.MAX_SAFE_INTEGER: a send would never give up.
  it.each([0, 1])('refuses a producer with %i retries, which that client would make endless', (retries) => {
    expect(() => driver.producer({ retries })).toThrow(/retries an idempotent send forever/);
  });

  it('makes a producer with bounded retries without connecting', async () => {
    const producer = driver.producer({ retries: 2 });
    await producer.disconnect();
  });
});

describe('@platformatic/kafka partitioners against the Java client’s (kafkajs DefaultPartitioner)', () => {
  const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
  const java = Partitioners.DefaultPartitioner();
  const keys = Array.from({ length: 200 }, (_, i) => `order-${i}`);
  const javaPartition = (key: string) => java({ topic: 't', partitionMetadata, message: { key, value: null } });
  const message = { topic: 't' };

  it('its default partitioner puts some keys elsewhere (murmur2 read as unsigned): the adapter does not use it', () => {
    const moved = keys.filter((key) => defaultPartitioner(message, Buffer.from(key)) % 3 !== javaPartition(key));
    expect(moved.length).toBeGreaterThan(0);
  });

  it('its compatibility partitioner, the one the adapter uses, agrees with the Java client on every key', () => {
    expect(keys.filter((key) => compatibilityPartitioner(message, Buffer.from(key)) % 3 !== javaPartition(key))).toEqual([]);
  });
});
