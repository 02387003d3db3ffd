/**
 * Where the real Kafka broker and PostgreSQL of this test run are. Global setup starts them (or
 * takes PETALPOST_TEST_KAFKA_BROKERS / PETALPOST_TEST_DATABASE_URL) and publishes them here.
 */
export const TEST_KAFKA_BROKERS = 'PETALPOST_TEST_KAFKA_BROKERS';
export const TEST_DATABASE_URL = 'PETALPOST_TEST_DATABASE_URL';

export interface TestInfra {
  kafkaBrokers: string[];
  databaseUrl: string;
}

/** Fails loudly, naming what is missing: an integration test never skips. */
export function testInfra(): TestInfra {
  const brokers = process.env[TEST_KAFKA_BROKERS];
  const databaseUrl = process.env[TEST_DATABASE_URL];
  const missing = [!brokers && `Kafka (${TEST_KAFKA_BROKERS})`, !databaseUrl && `PostgreSQL (${TEST_DATABASE_URL})`].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`integration test cannot reach ${missing.join(' and ')}: run it through the repo's jest config, whose global setup starts them`);
  }
  return { kafkaBrokers: brokers!.split(','), databaseUrl: databaseUrl! };
}
