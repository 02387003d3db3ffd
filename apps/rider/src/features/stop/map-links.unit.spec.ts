import { mapLinks } from './map-links';

const hospital = { lat: 31.2326, lng: 121.4422 };

describe('navigation links to a stop', () => {
  it('offers the phone geo: link and, in China, Amap (longitude first) and Baidu (latitude first, GCJ-02)', () => {
    const links = Object.fromEntries(mapLinks(hospital, '李娜', 'cn').map((l) => [l.app, l.href]));
    expect(links.geo).toBe('geo:31.2326,121.4422?q=31.2326,121.4422(%E6%9D%8E%E5%A8%9C)');
    expect(links.amap).toMatch(/^https:\/\/uri\.amap\.com\/marker\?position=121\.4422,31\.2326&name=%E6%9D%8E%E5%A8%9C/);
    expect(links.baidu).toMatch(/^baidumap:\/\/map\/marker\?location=31\.2326,121\.4422&title=%E6%9D%8E%E5%A8%9C.*&coord_type=gcj02&src=petalpost/);
    expect(links.baiduWeb).toMatch(/^https:\/\/api\.map\.baidu\.com\/marker\?location=31\.2326,121\.4422.*output=html/);
    expect(links.google).toBeUndefined();
  });

  it('offers Google Maps directions outside China', () => {
    const links = mapLinks({ lat: 52.09, lng: 5.12 }, 'Alex', 'world');
    expect(links.map((l) => l.app)).toEqual(['geo', 'google']);
    expect(links[1].href).toBe('https://www.google.com/maps/dir/?api=1&destination=52.09,5.12');
  });
});
