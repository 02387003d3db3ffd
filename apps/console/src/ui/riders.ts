import type { DispatchPaths } from '@petalpost/api-clients';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, data } from '../api';

type RiderList = DispatchPaths['/riders']['get']['responses'][200]['content']['application/json'];
export type ShopRider = RiderList['items'][number];

/**
 * Every rider who rides for the shop, one query shared by the screens that name riders. Staff and
 * dispatchers may list them; other roles pass `enabled: false` (dispatch would answer 403).
 */
export function useShopRiders(enabled = true) {
  return useQuery({
    queryKey: ['dispatch', 'riders', 'names'],
    enabled,
    // Names rarely change; the live stream still refetches on every change it announces.
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) => data<RiderList>(api.dispatch.GET('/riders', { params: { query: { limit: 500 } }, signal })),
  });
}

/** Riders' names by id; empty until dispatch answers (or when it refuses), so callers keep a fallback. */
export function useRiderNames(enabled = true): Map<string, string> {
  const riders = useShopRiders(enabled);
  return useMemo(() => new Map((riders.data?.items ?? []).map((r) => [r.riderId, r.name])), [riders.data]);
}
