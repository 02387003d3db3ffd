import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, riderGraceConfigShape, serviceConfigSchema } from './config';

const valid = { PORT: '3001', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/petalpost', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094' };

describe('service configuration from the environment', () => {
  it('parses a valid environment into typed values with defaults', () => {
    const config = loadConfig(serviceConfigSchema, valid);
    expect(config).toMatchObject({
      PORT: 3001,
      KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.1:9094'],
      LOG_LEVEL: 'info',
      KAFKA_NAMESPACE: '',
      JWT_SECRET: DEVELOPMENT_JWT_SECRET,
    });
  });

  it('refuses to start with every bad variable named at once', () => {
    let error: unknown;
    try {
      loadConfig(serviceConfigSchema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'kafka-without-port' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: /m);
    expect(problems).toMatch(/^DATABASE_URL: /m);
    expect(problems).toMatch(/^KAFKA_BROKERS/m);
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig(serviceConfigSchema, { PORT: '1', KAFKA_BROKERS: 'k:1' })).toThrow(/DATABASE_URL/);
  });

  it('refuses the development JWT secret in production', () => {
    expect(() => loadConfig(serviceConfigSchema, { ...valid, NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set in production/);
  });
});

describe('the rider grace period (RIDER_GRACE_MINUTES)', () => {
  const schema = serviceConfigSchema.safeExtend(riderGraceConfigShape);

  it('is 60 minutes unless set', () => {
    expect(loadConfig(schema, valid).RIDER_GRACE_MINUTES).toBe(60);
    expect(loadConfig(schema, { ...valid, RIDER_GRACE_MINUTES: '15' }).RIDER_GRACE_MINUTES).toBe(15);
  });

  it('refuses a negative, fractional or non-numeric grace period', () => {
    for (const bad of ['-1', '1.5', 'an hour']) expect(() => loadConfig(schema, { ...valid, RIDER_GRACE_MINUTES: bad })).toThrow(/RIDER_GRACE_MINUTES/);
  });

  it('still reads the deprecated MESSAGING_RIDER_GRACE_MINUTES, and refuses it set differently beside the new name', () => {
    expect(loadConfig(schema, { ...valid, MESSAGING_RIDER_GRACE_MINUTES: '30' }).RIDER_GRACE_MINUTES).toBe(30);
    expect(loadConfig(schema, { ...valid, MESSAGING_RIDER_GRACE_MINUTES: '30', RIDER_GRACE_MINUTES: '30' }).RIDER_GRACE_MINUTES).toBe(30);
    expect(() => loadConfig(schema, { ...valid, MESSAGING_RIDER_GRACE_MINUTES: '30', RIDER_GRACE_MINUTES: '45' })).toThrow(
      /MESSAGING_RIDER_GRACE_MINUTES: deprecated name of RIDER_GRACE_MINUTES/,
    );
  });
});
