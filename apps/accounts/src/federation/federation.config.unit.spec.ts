import { ConfigError } from '@petalpost/platform';
import { type FederationConfig, federationSettingsFrom } from './federation.config';

const KEY = Buffer.alloc(32, 1).toString('base64');
const production: FederationConfig = {
  NODE_ENV: 'production',
  HOST: '0.0.0.0',
  PORT: 3005,
  ACCOUNTS_OIDC_STATE_SECONDS: 600,
  ACCOUNTS_KEY_ENCRYPTION_KEY: KEY,
};
const problemsOf = (config: Partial<FederationConfig>) => {
  try {
    federationSettingsFrom({ ...production, ...config });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('the identity providers’ settings, checked at start', () => {
  it('takes the public callback address, and refuses plain-http issuers in production', () => {
    expect(federationSettingsFrom({ ...production, ACCOUNTS_OIDC_REDIRECT_URL: 'https://accounts.petalpost.example/sessions/oidc/callback' })).toEqual({
      redirectUrl: 'https://accounts.petalpost.example/sessions/oidc/callback',
      stateMs: 600_000,
      allowLoopbackHttpIssuers: false,
      keyEncryptionKey: Buffer.alloc(32, 1),
    });
  });

  it('has no callback in production until one is named, and one of its own address in development', () => {
    expect(federationSettingsFrom(production)).not.toHaveProperty('redirectUrl');
    expect(federationSettingsFrom({ ...production, NODE_ENV: 'development', HOST: '127.0.0.1' })).toMatchObject({
      redirectUrl: 'http://127.0.0.1:3005/sessions/oidc/callback',
      allowLoopbackHttpIssuers: true,
    });
  });

  it('refuses a callback over http in production or with a query, and the public development sealing key', () => {
    expect(problemsOf({ ACCOUNTS_OIDC_REDIRECT_URL: 'http://accounts.petalpost.example/cb?x=1' })).toEqual([
      'ACCOUNTS_OIDC_REDIRECT_URL: https in production',
      'ACCOUNTS_OIDC_REDIRECT_URL: no query or fragment (the provider appends its own)',
    ]);
    expect(() => federationSettingsFrom({ ...production, ACCOUNTS_KEY_ENCRYPTION_KEY: 'cGV0YWxwb3N0LWRldi1zaWduaW5nLWtleS1zZWFsZXI=' })).toThrow(
      /must be set in production/,
    );
  });
});
