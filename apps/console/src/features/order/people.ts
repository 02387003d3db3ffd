import { useMemo } from 'react';
import { type ShopRider, useShopRiders } from '../../ui/riders';
import { type Member, useMembers } from './order-api';

export interface People {
  members: Member[];
  riders: ShopRider[];
  /** A person's name by their subject (their person id), else the subject itself. */
  name: (subject: string) => string;
  /** A rider's name by rider id, else the id. */
  rider: (riderId: string) => string;
  names: Map<string, string>;
}

/**
 * Names for the ids the APIs answer with. What a role may read of the team and the riders is the
 * accounts and dispatch services' call: a refused list leaves ids as they are.
 */
export function usePeople(shopId: string | undefined, canListRiders: boolean): People {
  const members = useMembers(shopId);
  const riders = useShopRiders(canListRiders);
  return useMemo(() => {
    const memberList = members.data?.items ?? [];
    const riderList = riders.data?.items ?? [];
    const names = new Map<string, string>();
    for (const r of riderList) names.set(r.riderId, r.name);
    for (const m of memberList) names.set(m.personId, m.displayName);
    return {
      members: memberList,
      riders: riderList,
      names,
      name: (subject) => names.get(subject) ?? subject,
      rider: (riderId) => riderList.find((r) => r.riderId === riderId)?.name ?? names.get(riderId) ?? riderId,
    };
  }, [members.data, riders.data]);
}
