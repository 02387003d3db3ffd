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

  it('sends a Meituan store with its app_id, app_secret and app_poi_code, and an access_token only when given', () => {
    const draft = {
      ...emptyConnectDraft('meituan'),
      label: ' 美团店 ',
      appKey: ' 4201 ',
      appSecret: 'b1f5e7c0d2a94e36',
      storeRef: ' t_petal_01 ',
      pushToken: 'typed-then-switched',
    };
    expect(connectBody(draft, ZONE)).toEqual({
      platform: 'meituan',
      label: '美团店',
      timeZone: ZONE,
      appKey: '4201',
      appSecret: 'b1f5e7c0d2a94e36',
      storeRef: 't_petal_01',
    });
    expect(connectBody({ ...draft, accessToken: ' token-of-the-shop ' }, ZONE)).toMatchObject({ accessToken: 'token-of-the-shop' });
  });

  it('sends a WeChat Store with its AppID, AppSecret, push Token and EncodingAESKey, and no store or access_token', () => {
    const draft = {
      ...emptyConnectDraft('wechat'),
      label: '微信小店',
      appKey: 'wx8f1b2c3d4e5f6a7b',
      appSecret: '0123456789abcdef0123456789abcdef',
      pushToken: 'petals2026',
      encodingAesKey: ' abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG ',
      storeRef: 'left-from-meituan',
      accessToken: 'left-from-meituan',
    };
    expect(connectBody(draft, ZONE)).toEqual({
      platform: 'wechat',
      label: '微信小店',
      timeZone: ZONE,
      appKey: 'wx8f1b2c3d4e5f6a7b',
      appSecret: '0123456789abcdef0123456789abcdef',
      pushToken: 'petals2026',
      encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    });
  });
});
