import { checkWebhookUrl, isPrivateAddress } from './webhook-url-policy';

const production = { allowPrivateNetworks: false };
const development = { allowPrivateNetworks: true };

describe('webhook URLs, everywhere', () => {
  it('allows http and https URLs, normalised', () => {
    expect(checkWebhookUrl('https://shop.example.com/hooks/petalpost?x=1', production)).toEqual({
      allowed: true,
      url: 'https://shop.example.com/hooks/petalpost?x=1',
    });
    expect(checkWebhookUrl('HTTP://Shop.Example.com', production)).toEqual({ allowed: true, url: 'http://shop.example.com/' });
  });

  it('refuses other schemes, non-URLs and credentials in the URL', () => {
    for (const policy of [production, development]) {
      expect(checkWebhookUrl('ftp://shop.example.com/in', policy)).toMatchObject({ allowed: false, reason: expect.stringMatching(/http/) });
      expect(checkWebhookUrl('file:///etc/passwd', policy)).toMatchObject({ allowed: false });
      expect(checkWebhookUrl('javascript:alert(1)', policy)).toMatchObject({ allowed: false });
      expect(checkWebhookUrl('shop.example.com/hook', policy)).toEqual({ allowed: false, reason: 'not a URL' });
      expect(checkWebhookUrl('https://user:pass@shop.example.com/', policy)).toMatchObject({ allowed: false, reason: expect.stringMatching(/credentials/) });
      expect(checkWebhookUrl(`https://shop.example.com/${'a'.repeat(2100)}`, policy)).toMatchObject({ allowed: false });
    }
  });
});

describe('webhook URLs in production', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://api.localhost/hook',
    'http://LOCALHOST./hook',
    'http://0x7f000001/hook',
    'http://2130706433/hook',
    'http://127.1/hook',
    'http://10.1.2.3/hook',
    'http://172.20.0.5/hook',
    'http://192.168.1.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/hook',
    'http://0.0.0.0/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fd12::1]/hook',
    'http://[fe80::1]/hook',
    'http://orders:3001/hook',
    'http://printer.local/hook',
    'http://metadata.google.internal/hook',
  ])('refuses %s, which is on our own network', (url) => {
    expect(checkWebhookUrl(url, production)).toMatchObject({ allowed: false, reason: expect.stringMatching(/not a public address/) });
  });

  it('allows public addresses and names', () => {
    expect(checkWebhookUrl('https://93.184.215.14/hook', production)).toMatchObject({ allowed: true });
    expect(checkWebhookUrl('https://[2606:4700::1111]/hook', production)).toMatchObject({ allowed: true });
    expect(checkWebhookUrl('https://hooks.flowershop.nl/petalpost', production)).toMatchObject({ allowed: true });
  });
});

describe('webhook URLs outside production', () => {
  it('allows a receiver on this machine or the local network, for development and tests', () => {
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', development)).toEqual({ allowed: true, url: 'http://127.0.0.1:8080/hook' });
    expect(checkWebhookUrl('http://localhost:8080/hook', development)).toMatchObject({ allowed: true });
  });
});

describe('private addresses (what a resolved name is checked against)', () => {
  it('are loopback, private, link-local, shared, reserved and multicast ranges, v4 and v6', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.1.1',
      '100.127.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fc00::1',
      'fe80::1',
      'ff02::1',
      '::ffff:10.0.0.1',
    ]) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    }
  });

  it('are not public addresses', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
    }
  });
});

describe('addresses that hide an address of our own network inside another', () => {
  it.each([
    ['64:ff9b::a9fe:a9fe', 'NAT64 (64:ff9b::/96) of 169.254.169.254'],
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['2002:a9fe:a9fe::1', '6to4 (2002::/16) of 169.254.169.254'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (2001::/32)'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::ffff:0:a9fe:a9fe', 'IPv4-translated (::ffff:0:0:0/96) link-local'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['2001:db8::1', 'documentation'],
    ['fec0::1', 'deprecated site-local'],
    ['100::1', 'discard-only'],
    ['198.18.0.1', 'benchmarking'],
  ])('treats %s (%s) as not public', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
    expect(checkWebhookUrl(ip.includes(':') ? `http://[${ip}]/hook` : `http://${ip}/hook`, production)).toMatchObject({ allowed: false });
  });

  it('lets a NAT64 or 6to4 address of a public IPv4 address through', () => {
    expect(isPrivateAddress('64:ff9b::808:808')).toBe(false);
    expect(isPrivateAddress('2002:808:808::1')).toBe(false);
  });
});
