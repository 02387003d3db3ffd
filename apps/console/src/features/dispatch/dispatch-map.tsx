import type { GeoJSONSource, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre finds its worker beside its own file, which a bundle renames: name it outright.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RIDER_COLOUR, RISK_COLOURS } from './dispatch-colours';
import type { Risk } from './risk';

export interface MapRider {
  riderId: string;
  /** Oldest first; the last one is where the rider is. */
  trail: Array<[lng: number, lat: number]>;
}

export interface MapStop {
  orderId: string;
  lng: number;
  lat: number;
  risk: Risk;
}

type Collection = Extract<Parameters<GeoJSONSource['setData']>[0], { type: 'FeatureCollection' }>;

// Without a tile server the map is a plain background: riders and stops still draw, and
// nothing is fetched from anywhere the shop did not configure.
function styleFor(tileUrl: string | undefined): StyleSpecification | string {
  const background = { id: 'background', type: 'background' as const, paint: { 'background-color': '#eef0f2' } };
  if (!tileUrl) return { version: 8, sources: {}, layers: [background] };
  if (/\.json(\?|$)/.test(tileUrl)) return tileUrl;
  return {
    version: 8,
    sources: { tiles: { type: 'raster', tiles: [tileUrl], tileSize: 256 } },
    layers: [background, { id: 'tiles', type: 'raster', source: 'tiles' }],
  };
}

const riderFeatures = (riders: MapRider[]): Collection => ({
  type: 'FeatureCollection',
  features: riders
    .filter((r) => r.trail.length > 0)
    .map((r) => ({ type: 'Feature', properties: { riderId: r.riderId }, geometry: { type: 'Point', coordinates: r.trail[r.trail.length - 1] } })),
});
const trailFeatures = (riders: MapRider[]): Collection => ({
  type: 'FeatureCollection',
  features: riders
    .filter((r) => r.trail.length > 1)
    .map((r) => ({ type: 'Feature', properties: { riderId: r.riderId }, geometry: { type: 'LineString', coordinates: r.trail } })),
});
const stopFeatures = (stops: MapStop[]): Collection => ({
  type: 'FeatureCollection',
  features: stops.map((s) => ({ type: 'Feature', properties: { orderId: s.orderId, risk: s.risk }, geometry: { type: 'Point', coordinates: [s.lng, s.lat] } })),
});

const byRisk = (values: Record<Risk, string | number>) => ['match', ['get', 'risk'], ...Object.entries(values).flat(), values.no_eta] as never;

/** MapLibre, loaded with this module only (never in the first bundle). */
export default function DispatchMap({ riders, stops, tileUrl, label }: { riders: MapRider[]; stops: MapStop[]; tileUrl?: string; label: string }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap>();
  const [failure, setFailure] = useState<string>();
  const fitted = useRef(false);

  useEffect(() => {
    let created: MapLibreMap | undefined;
    let cancelled = false;
    void import('maplibre-gl')
      .then(({ Map, setWorkerUrl }) => {
        if (cancelled || !container.current) return;
        setWorkerUrl(workerUrl);
        const m = new Map({ container: container.current, style: styleFor(tileUrl), center: [0, 0], zoom: 1, attributionControl: false });
        created = m;
        m.on('load', () => {
          m.addSource('stops', { type: 'geojson', data: stopFeatures([]) });
          m.addSource('trails', { type: 'geojson', data: trailFeatures([]) });
          m.addSource('riders', { type: 'geojson', data: riderFeatures([]) });
          m.addLayer({ id: 'trails', type: 'line', source: 'trails', paint: { 'line-color': RIDER_COLOUR, 'line-width': 3, 'line-opacity': 0.5 } });
          // Size and outline differ by risk as well as colour, so the colour is not the only sign.
          m.addLayer({
            id: 'stops',
            type: 'circle',
            source: 'stops',
            paint: {
              'circle-color': byRisk(RISK_COLOURS),
              'circle-radius': byRisk({ on_time: 6, at_risk: 8, late: 10, no_eta: 6, done: 4 }),
              'circle-stroke-color': '#ffffff',
              'circle-stroke-width': byRisk({ on_time: 1, at_risk: 2, late: 3, no_eta: 1, done: 1 }),
            },
          });
          m.addLayer({
            id: 'riders',
            type: 'circle',
            source: 'riders',
            paint: { 'circle-color': RIDER_COLOUR, 'circle-radius': 9, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
          });
          setMap(m);
        });
        m.on('error', (event) => setFailure(String(event.error?.message ?? event.error)));
      })
      .catch((error: Error) => setFailure(error.message));
    return () => {
      cancelled = true;
      created?.remove();
    };
  }, [tileUrl]);

  useEffect(() => {
    if (!map) return;
    (map.getSource('stops') as GeoJSONSource).setData(stopFeatures(stops));
    (map.getSource('trails') as GeoJSONSource).setData(trailFeatures(riders));
    (map.getSource('riders') as GeoJSONSource).setData(riderFeatures(riders));
    const points = [...stops.map((s): [number, number] => [s.lng, s.lat]), ...riders.flatMap((r) => r.trail.slice(-1))];
    // Frame the day once; after that the dispatcher's own panning is left alone.
    if (!fitted.current && points.length > 0) {
      fitted.current = true;
      const lngs = points.map((p) => p[0]);
      const lats = points.map((p) => p[1]);
      map.fitBounds(
        [
          [Math.min(...lngs), Math.min(...lats)],
          [Math.max(...lngs), Math.max(...lats)],
        ],
        { padding: 40, maxZoom: 15, duration: 0 },
      );
    }
  }, [map, riders, stops]);

  return (
    <div className="dispatch-map-wrap">
      <div ref={container} className="dispatch-map" role="img" aria-label={label} data-map-ready={map ? 'true' : 'false'} />
      {failure && (
        <p role="alert" className="problem">
          {t('dispatch.mapFailed', { message: failure })}
        </p>
      )}
    </div>
  );
}
