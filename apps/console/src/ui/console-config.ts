import { useQuery } from '@tanstack/react-query';

/** What the deployment tells the browser at /config.json; every field may be absent. */
export interface ConsoleConfig {
  /** Map tiles: a raster template ({z}/{x}/{y}) or a MapLibre style document (….json). */
  tileUrl?: string;
  /** A Nominatim-style geocoder; without it addresses are placed by hand only. */
  geocoderUrl?: string;
}

export function useConsoleConfig(): ConsoleConfig | undefined {
  const config = useQuery({
    queryKey: ['console-config'],
    staleTime: Infinity,
    // No config is a configuration too: a plain map and no lookup.
    queryFn: async (): Promise<ConsoleConfig> => {
      const response = await fetch('/config.json').catch(() => undefined);
      if (!response?.ok) return {};
      return ((await response.json().catch(() => ({}))) ?? {}) as ConsoleConfig;
    },
  });
  return config.data;
}
