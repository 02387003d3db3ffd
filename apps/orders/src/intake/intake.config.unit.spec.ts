import { randomBytes } from 'node:crypto';
import { ConfigError } from '@petalpost/platform';
import { DEVELOPMENT_INTAKE_SECRETS_KEY, intakeSecretsKeyFrom } from './intake.config';

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
