import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, webhookSignature } from './signatures';

const body = Buffer.from('{"id":727,"name":"Ship Your Idea \\u2013 Color"}');

describe('webhook signatures', () => {
  it('is base64 of the HMAC-SHA256 of the exact bytes under the secret as typed', () => {
    expect(webhookSignature(body, 'hush')).toBe(createHmac('sha256', 'hush').update(body).digest('base64'));
  });

  it('verifies a delivery signed with the current secret', () => {
    expect(verifyWebhookSignature(body, webhookSignature(body, 'new-secret'), ['new-secret'])).toBe(true);
  });

  it('verifies one signed with the previous secret while it is still accepted', () => {
    expect(verifyWebhookSignature(body, webhookSignature(body, 'old-secret'), ['new-secret', 'old-secret'])).toBe(true);
    expect(verifyWebhookSignature(body, webhookSignature(body, 'old-secret'), ['new-secret'])).toBe(false);
  });

  it('refuses a body changed by one byte, even one re-serialised to the same JSON', () => {
    const signature = webhookSignature(body, 'hush');
    expect(verifyWebhookSignature(Buffer.from(JSON.stringify(JSON.parse(body.toString()))), signature, ['hush'])).toBe(false);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['hex instead of base64', createHmac('sha256', 'hush').update(body).digest('hex')],
    ['a truncated digest', webhookSignature(body, 'hush').slice(0, 20)],
    ['not base64 at all', '***'],
  ])('refuses %s', (_case, header) => {
    expect(verifyWebhookSignature(body, header, ['hush'])).toBe(false);
  });

  it('refuses everything when the connection has no secret', () => {
    expect(verifyWebhookSignature(body, webhookSignature(body, 'hush'), [])).toBe(false);
  });
});
