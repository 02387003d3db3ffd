import gcoord, { type CRSTypes } from 'gcoord';

/** A point as a latitude and a longitude in degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** About 0.1 m: more digits than that are noise of the conversion, and the platforms take six. */
const DECIMALS = 6;

function rounded(value: number): number {
  return Number(value.toFixed(DECIMALS));
}

function converted(point: LatLng, from: CRSTypes, to: CRSTypes): LatLng {
  // gcoord takes and gives [longitude, latitude], GeoJSON's order.
  const [lng, lat] = gcoord.transform<[number, number]>([point.lng, point.lat], from, to);
  return { lat: rounded(lat), lng: rounded(lng) };
}

/**
 * A point from a Chinese platform (Meituan, Ele.me, Youzan, WeChat: GCJ-02, the offset datum of
 * Chinese maps) as the WGS-84 every other part of Petalpost keeps. Outside China the two are the same.
 */
export function gcj02ToWgs84(point: LatLng): LatLng {
  return converted(point, gcoord.GCJ02, gcoord.WGS84);
}

/** A rider's GPS position (WGS-84) as a Chinese platform expects it (GCJ-02). */
export function wgs84ToGcj02(point: LatLng): LatLng {
  return converted(point, gcoord.WGS84, gcoord.GCJ02);
}
