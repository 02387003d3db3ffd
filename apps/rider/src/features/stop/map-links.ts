export interface MapLink {
  /** Which app: the words' key under stop.maps. */
  app: 'geo' | 'amap' | 'baidu' | 'baiduWeb' | 'google';
  href: string;
}

/**
 * Where a tap takes the rider to be guided to the stop: the phone's own `geo:` handler (any map
 * app that registered for it), and the apps people use in the shop's country.
 *
 * In China the coordinates are taken as GCJ-02 (what Chinese maps and phones' map pickers give),
 * and said so to Baidu, which otherwise assumes its own BD-09:
 * - Amap's URI API: `https://uri.amap.com/marker?position=<lng>,<lat>&name=…` (longitude first),
 *   which opens the app when installed and Amap's web map otherwise;
 * - Baidu's app scheme `baidumap://map/marker?location=<lat>,<lng>&title=…&coord_type=gcj02&src=…`
 *   (latitude first), and its web URI `https://api.map.baidu.com/marker?…&output=html` for phones
 *   without the app.
 * Elsewhere Google Maps' universal directions URL.
 */
export function mapLinks(geo: { lat: number; lng: number }, name: string, region: 'cn' | 'world'): MapLink[] {
  const { lat, lng } = geo;
  const label = encodeURIComponent(name);
  const links: MapLink[] = [{ app: 'geo', href: `geo:${lat},${lng}?q=${lat},${lng}(${label})` }];
  if (region === 'cn') {
    links.push(
      { app: 'amap', href: `https://uri.amap.com/marker?position=${lng},${lat}&name=${label}&src=petalpost&coordinate=gaode&callnative=1` },
      { app: 'baidu', href: `baidumap://map/marker?location=${lat},${lng}&title=${label}&content=${label}&coord_type=gcj02&src=petalpost` },
      {
        app: 'baiduWeb',
        href: `https://api.map.baidu.com/marker?location=${lat},${lng}&title=${label}&content=${label}&output=html&coord_type=gcj02&src=petalpost`,
      },
    );
  } else {
    links.push({ app: 'google', href: `https://www.google.com/maps/dir/?api=1&destination=${lat},${lng}` });
  }
  return links;
}
