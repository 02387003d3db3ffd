import { randomBytes } from 'node:crypto';
import { ConfigError } from '@petalpost/platform';
import { z } from 'zod';
import { DEVELOPMENT_INTAKE_SECRETS_KEY, intakeConfigShape, intakeSecretsKeyFrom } from './intake.config';

describe('the intake secrets key', () => {
  const real = randomBytes(32).toString('base64');

  it('takes the public development key only in development on loopback', () => {
    expect(intakeSecretsKeyFrom({ NODE_ENV: 'development', HOST: '127.0.0.1', ORDERS_INTAKE_SECRETS_KEY: DEVELOPMENT_INTAKE_SECRETS_KEY })).toHaveLength(32);
    expect(() => intakeSecretsKeyFrom({ NODE_ENV: 'development', HOST: '0.0.0.0', ORDERS_INTAKE_SECRETS_KEY: DEVELOPMENT_INTAKE_SECRETS_KEY })).toThrow(
      ConfigError,
    );
    expect(() => intakeSecretsKeyFrom({ NODE_ENV: 'production', HOST: '127.0.0.1', ORDERS_INTAKE_SECRETS_KEY: DEVELOPMENT_INTAKE_SECRETS_KEY })).toThrow(
      ConfigError,
    );
  });

  it('takes a real key anywhere, and refuses one that is not 32 bytes', () => {
    expect(intakeSecretsKeyFrom({ NODE_ENV: 'production', HOST: '0.0.0.0', ORDERS_INTAKE_SECRETS_KEY: real })).toEqual(Buffer.from(real, 'base64'));
    expect(() => intakeSecretsKeyFrom({ NODE_ENV: 'production', HOST: '0.0.0.0', ORDERS_INTAKE_SECRETS_KEY: 'c2hvcnQ=' })).toThrow(ConfigError);
  });
});

describe('the delivery worker’s concurrency', () => {
  const concurrency = z.object(intakeConfigShape).shape.ORDERS_INTAKE_WORKER_CONCURRENCY;

  it('defaults to a few deliveries at once and stays below the database pool', () => {
    expect(concurrency.parse(undefined)).toBe(6);
    expect(concurrency.parse('1')).toBe(1);
    expect(concurrency.safeParse('0').success).toBe(false);
    expect(concurrency.safeParse('9').success).toBe(false);
    expect(concurrency.safeParse('two').success).toBe(false);
  });
});
