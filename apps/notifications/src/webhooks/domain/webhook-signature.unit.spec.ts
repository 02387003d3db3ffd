import { createHmac } from 'node:crypto';
import { secretsInForce, signatureHeader, signingSecretFrom, verifySignature } from './webhook-signature';

const secret = signingSecretFrom(Buffer.alloc(32, 7));
const body = '{"eventId":"e1","type":"OrderPlaced","data":{"orderId":"o1"}}';
const now = 1_771_070_400; // 2026-02-14T12:00:00Z

describe('signing a webhook', () => {
  it('makes a secret of the whsec_ prefix and 32 random bytes, and refuses fewer bytes', () => {
    expect(secret).toBe(`whsec_${Buffer.alloc(32, 7).toString('base64url')}`);
    expect(() => signingSecretFrom(Buffer.alloc(16))).toThrow();
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256 of the secret, in hex, as v1=', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signatureHeader([secret], now, body)).toBe(`v1=${expected}`);
  });

  it('signs with every secret in force, newest first, comma-separated', () => {
    const old = signingSecretFrom(Buffer.alloc(32, 1));
    const header = signatureHeader([secret, old], now, body);
    expect(header.split(',')).toEqual([signatureHeader([secret], now, body), signatureHeader([old], now, body)]);
  });
});

describe('the secrets a subscription signs with', () => {
  const rotated = { secret: 'whsec_new', previousSecret: 'whsec_old', previousSecretExpiresAt: new Date(now * 1000 + 60_000) };

  it('are the new and the old one during the grace period', () => {
    expect(secretsInForce(rotated, now * 1000)).toEqual(['whsec_new', 'whsec_old']);
  });

  it('are the new one alone once the grace period is over', () => {
    expect(secretsInForce(rotated, now * 1000 + 60_000)).toEqual(['whsec_new']);
    expect(secretsInForce({ secret: 'whsec_new', previousSecret: null, previousSecretExpiresAt: null }, now * 1000)).toEqual(['whsec_new']);
  });
});

describe('verifying a webhook, as a receiver does', () => {
  const signed = (timestamp: number, secrets = [secret]) => ({
    body,
    timestampHeader: String(timestamp),
    signatureHeader: signatureHeader(secrets, timestamp, body),
  });

  it('accepts a fresh request signed with its secret', () => {
    expect(verifySignature(signed(now - 10), secret, now)).toEqual({ valid: true });
  });

  it('accepts a request signed with the old and the new secret, whichever it holds', () => {
    const old = signingSecretFrom(Buffer.alloc(32, 1));
    expect(verifySignature(signed(now, [secret, old]), old, now)).toEqual({ valid: true });
    expect(verifySignature(signed(now, [secret, old]), secret, now)).toEqual({ valid: true });
  });

  it('refuses a request older than five minutes, or more than five minutes ahead', () => {
    expect(verifySignature(signed(now - 301), secret, now)).toEqual({ valid: false, reason: 'too_old' });
    expect(verifySignature(signed(now - 300), secret, now)).toEqual({ valid: true });
    expect(verifySignature(signed(now + 301), secret, now)).toEqual({ valid: false, reason: 'too_new' });
  });

  it('refuses a changed body, another secret, or a timestamp swapped after signing', () => {
    expect(verifySignature({ ...signed(now), body: body.replace('o1', 'o2') }, secret, now)).toEqual({ valid: false, reason: 'no_match' });
    expect(verifySignature(signed(now), signingSecretFrom(Buffer.alloc(32, 9)), now)).toEqual({ valid: false, reason: 'no_match' });
    expect(verifySignature({ ...signed(now - 100), timestampHeader: String(now) }, secret, now)).toEqual({ valid: false, reason: 'no_match' });
  });

  it('refuses missing or malformed headers without throwing', () => {
    expect(verifySignature({ body, timestampHeader: undefined, signatureHeader: 'v1=00' }, secret, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifySignature({ body, timestampHeader: 'yesterday', signatureHeader: 'v1=00' }, secret, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifySignature({ body, timestampHeader: String(now), signatureHeader: 'v0=abc' }, secret, now)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifySignature({ body, timestampHeader: String(now), signatureHeader: 'v1=abc' }, secret, now)).toEqual({ valid: false, reason: 'no_match' });
  });
});
