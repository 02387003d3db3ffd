import { type Membership, useSession } from '../../session';

/** The shop the rider rides for now: its id, name and clock. */
export function useShop(): Membership | undefined {
  const session = useSession();
  return session?.memberships.find((m) => m.shopId === session.shopId) ?? session?.memberships[0];
}

// The zones of mainland China: a shop there is on the maps its riders use (Amap, Baidu).
const CHINA_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'Asia/Urumqi', 'Asia/Kashgar', 'PRC']);

/** The shop's country as far as the map apps go: China or anywhere else. */
export const mapRegionOf = (timeZone: string | undefined): 'cn' | 'world' => (timeZone && CHINA_ZONES.has(timeZone) ? 'cn' : 'world');
