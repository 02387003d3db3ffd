import { loadConfig } from '@petalpost/platform';
import { notificationsConfigSchema } from './notifications.config';

const base = { PORT: '3004', DATABASE_URL: 'postgres://u:p@db:5432/petalpost', KAFKA_BROKERS: 'kafka:9092' };
const production = { ...base, NODE_ENV: 'production', AUTH_JWKS_URL: 'http://accounts:3005/.well-known/jwks.json' };

describe('the notifications service’s configuration', () => {
  it('refuses to start in production without TRACKING_PUBLIC_URL: links would be built from a caller’s Host header', () => {
    expect(() => loadConfig(notificationsConfigSchema, production)).toThrow(/TRACKING_PUBLIC_URL: must be set in production/);
    expect(loadConfig(notificationsConfigSchema, { ...production, TRACKING_PUBLIC_URL: 'https://track.example.com' }).TRACKING_PUBLIC_URL).toBe(
      'https://track.example.com',
    );
  });

  it('starts without TRACKING_PUBLIC_URL in development', () => {
    expect(loadConfig(notificationsConfigSchema, base).TRACKING_PUBLIC_URL).toBeUndefined();
  });
});
