/** A place an address may mean, as a geocoder names it. */
export interface Place {
  label: string;
  lat: number;
  lng: number;
}

/** Turns an address into the places it may mean. The form only knows this port, not the service behind it. */
export type Geocoder = (address: string, options: { language: string; signal?: AbortSignal }) => Promise<Place[]>;

/**
 * A Nominatim-style geocoder (Nominatim, or Photon's Nominatim-compatible answers): `?q=&format=json`
 * answering `[{ display_name, lat, lon }]`, coordinates as strings.
 */
export function nominatimGeocoder(baseUrl: string, fetchImpl: typeof fetch = fetch): Geocoder {
  return async (address, { language, signal }) => {
    const url = new URL(baseUrl, location.origin);
    url.searchParams.set('q', address);
    url.searchParams.set('format', 'json');
    url.searchParams.set('limit', '5');
    url.searchParams.set('accept-language', language);
    const response = await fetchImpl(url, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const places = (await response.json()) as Array<{ display_name?: string; lat?: string; lon?: string }>;
    return places
      .map((p) => ({ label: p.display_name ?? '', lat: Number(p.lat), lng: Number(p.lon) }))
      .filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lng));
  };
}
