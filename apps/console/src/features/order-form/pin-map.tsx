import { Map as MapLibreMap, Marker, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

// Bundled, the library cannot find its worker beside itself: it is told where the build put it.
setWorkerUrl(workerUrl);

type Style = NonNullable<ConstructorParameters<typeof MapLibreMap>[0]['style']>;
export interface Point {
  lat: number;
  lng: number;
}

/** Tiles as the deployment configures them; without any, a plain background on which the pin still shows. */
function styleFor(tileUrl: string | undefined, background: string): Style {
  if (tileUrl && /\.json(\?|$)/.test(tileUrl)) return tileUrl;
  return {
    version: 8,
    sources: tileUrl ? { tiles: { type: 'raster', tiles: [tileUrl], tileSize: 256, maxzoom: 19 } } : {},
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': background } },
      ...(tileUrl ? [{ id: 'tiles', type: 'raster' as const, source: 'tiles' }] : []),
    ],
  };
}

const PIN_ZOOM = 16;

/**
 * The delivery point on a map: a click drops the pin, dragging (or the arrow keys on the focused
 * pin) moves it. The form's latitude and longitude fields stay the source of truth.
 */
export default function PinMap({
  point,
  onPick,
  tileUrl,
  center,
}: {
  point?: Point;
  onPick: (point: Point) => void;
  tileUrl?: string;
  /** Where to look before there is a pin (the shop), else the whole world. */
  center?: Point;
}) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | undefined>(undefined);
  const marker = useRef<Marker | undefined>(undefined);
  const pick = useRef(onPick);
  pick.current = onPick;
  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    let created: MapLibreMap;
    try {
      created = new MapLibreMap({
        container: container.current,
        style: styleFor(tileUrl, getComputedStyle(container.current).getPropertyValue('--wash').trim() || '#f5f3f0'),
        center: point ? [point.lng, point.lat] : center ? [center.lng, center.lat] : [0, 20],
        zoom: point ? PIN_ZOOM : center ? 12 : 1,
        attributionControl: tileUrl ? { compact: true } : false,
      });
    } catch {
      // No WebGL (an old laptop, a locked-down browser): the coordinates fields remain.
      setUnavailable(true);
      return;
    }
    map.current = created;
    created.on('click', (e) => pick.current({ lat: round(e.lngLat.lat), lng: round(e.lngLat.lng) }));
    return () => {
      marker.current = undefined;
      map.current = undefined;
      created.remove();
    };
    // Made once per tile source; the first view only reads the pin and the centre, which follow below.
  }, [tileUrl]);

  useEffect(() => {
    if (center && !marker.current) map.current?.jumpTo({ center: [center.lng, center.lat], zoom: 12 });
  }, [center]);

  useEffect(() => {
    const current = map.current;
    if (!current) return;
    if (!point || !Number.isFinite(point.lat) || !Number.isFinite(point.lng) || Math.abs(point.lat) > 90 || Math.abs(point.lng) > 180) {
      marker.current?.remove();
      marker.current = undefined;
      return;
    }
    if (!marker.current) {
      const created = new Marker({ draggable: true, color: '#a3214f' }).setLngLat([point.lng, point.lat]).addTo(current);
      created.getElement().setAttribute('aria-label', t('orderForm.pin'));
      created.on('dragend', () => {
        const at = created.getLngLat();
        pick.current({ lat: round(at.lat), lng: round(at.lng) });
      });
      marker.current = created;
      current.easeTo({ center: [point.lng, point.lat], zoom: Math.max(current.getZoom(), PIN_ZOOM) });
      return;
    }
    const at = marker.current.getLngLat();
    if (round(at.lat) !== point.lat || round(at.lng) !== point.lng) {
      marker.current.setLngLat([point.lng, point.lat]);
      current.easeTo({ center: [point.lng, point.lat] });
    }
  }, [point, t]);

  if (unavailable) return <p className="muted">{t('orderForm.mapUnavailable')}</p>;
  return <div ref={container} className="pin-map" role="region" aria-label={t('orderForm.map')} />;
}

/** Six decimals: about ten centimetres, more than any doorstep needs. */
const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6;
