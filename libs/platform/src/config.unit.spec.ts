import { ConfigError, loadConfig, riderGraceConfigShape, serviceConfigSchema, trustedKeysOf } from './config';

const valid = { PORT: '3001', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/petalpost', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094' };

describe('service configuration from the environment', () => {
  it('parses a valid environment into typed values with defaults', () => {
    const config = loadConfig(serviceConfigSchema, valid);
    expect(config).toMatchObject({
      PORT: 3001,
      KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.1:9094'],
      LOG_LEVEL: 'info',
      KAFKA_NAMESPACE: '',
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

  it('trusts the public development key only in development, and only on loopback', () => {
    expect(trustedKeysOf(loadConfig(serviceConfigSchema, valid))).toEqual({ developmentKey: true });
    expect(() => loadConfig(serviceConfigSchema, { ...valid, HOST: '0.0.0.0' })).toThrow(
      /HOST: a service trusting the public development key listens on loopback only/,
    );
    expect(() => loadConfig(serviceConfigSchema, { ...valid, HOST: '0.0.0.0', AUTH_DEVELOPMENT_KEY: 'false' })).toThrow(
      /AUTH_JWKS_URL: with AUTH_DEVELOPMENT_KEY=false/,
    );
    const listening = loadConfig(serviceConfigSchema, {
      ...valid,
      HOST: '0.0.0.0',
      AUTH_DEVELOPMENT_KEY: 'false',
      AUTH_JWKS_URL: 'http://accounts:3005/.well-known/jwks.json',
    });
    expect(trustedKeysOf(listening)).toEqual({ developmentKey: false, jwksUrl: 'http://accounts:3005/.well-known/jwks.json' });
  });

  it('refuses to start in production without the accounts service’s keys, or trusting the development key', () => {
    const production = { ...valid, NODE_ENV: 'production' };
    expect(() => loadConfig(serviceConfigSchema, production)).toThrow(/AUTH_JWKS_URL: must be set in production/);
    const jwks = 'http://accounts:3005/.well-known/jwks.json';
    expect(() => loadConfig(serviceConfigSchema, { ...production, AUTH_JWKS_URL: jwks, AUTH_DEVELOPMENT_KEY: 'true' })).toThrow(
      /AUTH_DEVELOPMENT_KEY: the development key is public/,
    );
    expect(trustedKeysOf(loadConfig(serviceConfigSchema, { ...production, AUTH_JWKS_URL: jwks }))).toEqual({ developmentKey: false, jwksUrl: jwks });
  });

  it('takes public keys inline, and refuses a document that is not a JWKS', () => {
    const keys = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] });
    expect(trustedKeysOf(loadConfig(serviceConfigSchema, { ...valid, NODE_ENV: 'production', AUTH_JWKS: keys })).jwks?.keys[0]).toMatchObject({ kid: 'k1' });
    expect(() => loadConfig(serviceConfigSchema, { ...valid, AUTH_JWKS: '{"keys":[]}' })).toThrow(/AUTH_JWKS/);
    expect(() => loadConfig(serviceConfigSchema, { ...valid, AUTH_JWKS: 'not json' })).toThrow(/AUTH_JWKS: is not JSON/);
  });
});

describe('the proxies a service trusts to name the client (TRUSTED_PROXIES)', () => {
  it('trusts nobody unless set', () => {
    expect(loadConfig(serviceConfigSchema, valid).TRUSTED_PROXIES).toEqual([]);
  });

  it('reads addresses, CIDR ranges and the named ranges, comma-separated', () => {
    expect(loadConfig(serviceConfigSchema, { ...valid, TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,fd00::/8, loopback' }).TRUSTED_PROXIES).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses a host name or a malformed range, naming the variable', () => {
    for (const bad of ['gateway.internal', '10.0.0.0/40', '127.0.0.1;10.0.0.1']) {
      expect(() => loadConfig(serviceConfigSchema, { ...valid, TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
    }
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
