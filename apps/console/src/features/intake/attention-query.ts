import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../session/session';
import { intakeApi } from './intake-api';

export const ATTENTION_QUERY = ['orders', 'intake', 'attention'] as const;

/**
 * The held intake orders. Like every query on screen it is refetched when the live stream brings
 * a notification (staff are alerted when an order is held), so the list and the navigation's
 * badge, which read this same query, change without a reload.
 */
export function useAttention(enabled = true) {
  const session = useSession();
  return useQuery({ queryKey: [...ATTENTION_QUERY, session?.shopId], queryFn: intakeApi.attention, enabled });
}
