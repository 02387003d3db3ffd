import { ConfigError } from '@petalpost/platform';
import { type PasskeysConfig, webAuthnSettingsFrom } from './passkeys.config';

const base: PasskeysConfig = { NODE_ENV: 'production', ACCOUNTS_WEBAUTHN_RP_NAME: 'Petalpost', ACCOUNTS_WEBAUTHN_CHALLENGE_SECONDS: 300 };
const problemsOf = (config: Partial<PasskeysConfig>) => {
  try {
    webAuthnSettingsFrom({ ...base, ...config });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('the relying party settings, checked at start', () => {
  it('takes a domain and the console origins on it', () => {
    expect(
      webAuthnSettingsFrom({
        ...base,
        ACCOUNTS_WEBAUTHN_RP_ID: 'petalpost.example',
        ACCOUNTS_WEBAUTHN_ORIGINS: 'https://console.petalpost.example, https://petalpost.example',
      }),
    ).toEqual({
      rpId: 'petalpost.example',
      rpName: 'Petalpost',
      origins: ['https://console.petalpost.example', 'https://petalpost.example'],
      challengeMs: 300_000,
    });
  });

  it('defaults to localhost for development only', () => {
    expect(webAuthnSettingsFrom({ ...base, NODE_ENV: 'development' })).toMatchObject({ rpId: 'localhost', origins: ['http://localhost:8080'] });
    expect(problemsOf({})).toEqual([
      'ACCOUNTS_WEBAUTHN_RP_ID: must be set in production (the domain of the console)',
      'ACCOUNTS_WEBAUTHN_ORIGINS: must be set in production (the console origins)',
      'ACCOUNTS_WEBAUTHN_RP_ID: localhost is for development only',
    ]);
  });

  it('refuses an RP ID that is not a bare domain, and origins that are not on it, not https, or not origins', () => {
    expect(problemsOf({ ACCOUNTS_WEBAUTHN_RP_ID: 'https://petalpost.example', ACCOUNTS_WEBAUTHN_ORIGINS: 'https://petalpost.example' })[0]).toMatch(
      /not a lower-case domain/,
    );
    expect(problemsOf({ ACCOUNTS_WEBAUTHN_RP_ID: '10.0.0.1', ACCOUNTS_WEBAUTHN_ORIGINS: 'https://10.0.0.1' })[0]).toMatch(/no scheme, port or IP address/);
    expect(
      problemsOf({
        ACCOUNTS_WEBAUTHN_RP_ID: 'petalpost.example',
        ACCOUNTS_WEBAUTHN_ORIGINS: 'https://evilpetalpost.example,http://console.petalpost.example,https://console.petalpost.example/login',
      }),
    ).toEqual([
      'ACCOUNTS_WEBAUTHN_ORIGINS: https://evilpetalpost.example is not on petalpost.example or one of its subdomains',
      'ACCOUNTS_WEBAUTHN_ORIGINS: http://console.petalpost.example: https only (http on localhost alone)',
      'ACCOUNTS_WEBAUTHN_ORIGINS: https://console.petalpost.example/login is not an origin (scheme://host[:port], no path or trailing slash; expected https://console.petalpost.example)',
    ]);
  });
});
