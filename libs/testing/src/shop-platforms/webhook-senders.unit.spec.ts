import { createHmac } from 'node:crypto';
import { shopifyWebhookRequest, wooCommerceWebhookRequest, wpJsonEncode } from './webhook-senders';

describe('the webhook senders', () => {
  it('sign a Shopify delivery with base64 HMAC-SHA256 of the exact body and send every header Shopify sends', () => {
    const { headers, body } = shopifyWebhookRequest({
      url: 'http://x',
      secret: 'shh',
      shopDomain: 'petals.myshopify.com',
      topic: 'orders/create',
      payload: { id: 1 },
      eventId: 'e-1',
    });
    expect(body).toBe('{"id":1}');
    expect(headers['X-Shopify-Hmac-Sha256']).toBe(createHmac('sha256', 'shh').update('{"id":1}').digest('base64'));
    expect(Object.keys(headers)).toEqual(
      expect.arrayContaining([
        'X-Shopify-Topic',
        'X-Shopify-Shop-Domain',
        'X-Shopify-API-Version',
        'X-Shopify-Webhook-Id',
        'X-Shopify-Event-Id',
        'X-Shopify-Triggered-At',
      ]),
    );
    expect(headers['X-Shopify-Event-Id']).toBe('e-1');
  });

  it('write a WooCommerce body as wp_json_encode does, and sign those bytes', () => {
    const payload = { note: 'Für Oma / 奶奶' };
    const { headers, body } = wooCommerceWebhookRequest({
      url: 'http://x',
      secret: 's',
      siteUrl: 'https://shop.example/',
      topic: 'order.updated',
      payload,
      webhookId: 7,
    });
    expect(body).toBe('{"note":"F\\u00fcr Oma \\/ \\u5976\\u5976"}');
    expect(JSON.parse(body)).toEqual(payload);
    expect(headers['X-WC-Webhook-Signature']).toBe(createHmac('sha256', 's').update(body).digest('base64'));
    expect(headers).toMatchObject({
      'X-WC-Webhook-Source': 'https://shop.example/',
      'X-WC-Webhook-Resource': 'order',
      'X-WC-Webhook-Event': 'updated',
      'X-WC-Webhook-ID': '7',
    });
    expect(headers['X-WC-Webhook-Delivery-ID']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('escape characters outside the basic plane as UTF-16 pairs, as PHP does', () => {
    expect(wpJsonEncode('🌷')).toBe('"\\ud83c\\udf37"');
  });
});
