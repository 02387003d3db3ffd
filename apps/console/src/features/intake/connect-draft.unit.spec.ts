import { connectBody, emptyConnectDraft, shopifyDomain } from './connect-draft';

const ZONE = 'Asia/Shanghai';

describe('connecting a shop: the body sent', () => {
  it('takes the Shopify domain as Shopify sends it, whatever was pasted', () => {
    expect(shopifyDomain(' https://Petals.myshopify.com/admin/settings ')).toBe('petals.myshopify.com');
    expect(shopifyDomain('petals.myshopify.com')).toBe('petals.myshopify.com');
  });

  it('asks Shopify shops for the secret Shopify signs with, and WooCommerce sites may have one made', () => {
    expect(emptyConnectDraft('shopify').pasteSecret).toBe(true);
    expect(emptyConnectDraft('woocommerce').pasteSecret).toBe(false);
  });

  it('sends only the platform’s own fields', () => {
    const body = connectBody(
      {
        ...emptyConnectDraft('shopify'),
        label: ' Web shop ',
        shopDomain: 'petals.myshopify.com',
        siteUrl: 'https://ignored.example',
        webhookSecret: 'k',
      },
      ZONE,
    );
    expect(body).toEqual({ platform: 'shopify', label: 'Web shop', timeZone: ZONE, shopDomain: 'petals.myshopify.com', webhookSecret: 'k' });
  });

  it('sends the pasted secret and the write-back token when given', () => {
    const body = connectBody(
      {
        ...emptyConnectDraft('shopify'),
        label: 'Web shop',
        shopDomain: 'petals.myshopify.com',
        pasteSecret: true,
        webhookSecret: ' s3cret ',
        adminAccessToken: 'shpat_abc',
      },
      ZONE,
    );
    expect(body).toEqual({
      platform: 'shopify',
      label: 'Web shop',
      timeZone: ZONE,
      shopDomain: 'petals.myshopify.com',
      webhookSecret: 's3cret',
      adminAccessToken: 'shpat_abc',
    });
  });

  it('leaves a typed secret out once the owner switches back to a made one', () => {
    const body = connectBody(
      {
        ...emptyConnectDraft('woocommerce'),
        label: 'Site',
        siteUrl: 'https://petals.example',
        pasteSecret: false,
        webhookSecret: 'typed',
      },
      ZONE,
    );
    expect(body).toEqual({ platform: 'woocommerce', label: 'Site', timeZone: ZONE, siteUrl: 'https://petals.example' });
  });

  it('sends half a WooCommerce key pair as typed, so the service names the missing half', () => {
    const body = connectBody({ ...emptyConnectDraft('woocommerce'), label: 'Site', siteUrl: 'https://petals.example', consumerKey: 'ck_1' }, ZONE);
    expect(body).toEqual({
      platform: 'woocommerce',
      label: 'Site',
      timeZone: ZONE,
      siteUrl: 'https://petals.example',
      consumerKey: 'ck_1',
      consumerSecret: '',
    });
  });
});
