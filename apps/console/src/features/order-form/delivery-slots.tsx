import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, data } from '../../api';
import { shopDateTime } from '../../shop-clock';

export interface Slot {
  /** The shop's wall clock, YYYY-MM-DDTHH:MM. */
  from: string;
  to: string;
  available: number;
}

/** Adds minutes to a wall-clock time, on the calendar (the slot plan counts in local time). */
function plusMinutes(wallClock: string, minutes: number): string {
  const at = new Date(`${wallClock}:00Z`);
  return new Date(at.getTime() + minutes * 60_000).toISOString().slice(0, 16);
}

/**
 * The shop's slots of a date with the places left; `null` when the shop plans none (then any
 * window goes). Live: a notification refetches it, so a slot filling up elsewhere shows here.
 */
export function useDeliverySlots(shopId: string | undefined, date: string) {
  return useQuery({
    queryKey: ['orders', 'delivery-slots', shopId, date],
    enabled: Boolean(shopId && date),
    queryFn: async ({ signal }): Promise<Slot[] | null> => {
      try {
        const answer = await data(api.orders.GET('/shops/{shopId}/delivery-slots', { params: { path: { shopId: shopId ?? '' }, query: { date } }, signal }));
        const starts = answer.slots.map((s) => s.slot);
        // The answer lists every slot of the day, one length apart.
        const minutes = starts.length > 1 ? (Date.parse(`${starts[1]}:00Z`) - Date.parse(`${starts[0]}:00Z`)) / 60_000 : 24 * 60;
        return answer.slots.map((s) => ({ from: s.slot, to: plusMinutes(s.slot, minutes), available: s.available }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

/** The slots still to come, as radio buttons: full ones shown but not offered. */
export function SlotPicker({ slots, timeZone, chosen, onChoose }: { slots: Slot[]; timeZone: string; chosen: string; onChoose: (slot: Slot) => void }) {
  const { t } = useTranslation();
  const now = shopDateTime(Date.now(), timeZone);
  const ahead = slots.filter((s) => s.to > now);
  if (ahead.length === 0) return <p className="muted">{t('orderForm.noSlotsLeft')}</p>;
  return (
    <div className="slots">
      {ahead.map((slot) => {
        const full = slot.available <= 0;
        const label = t('orderForm.slot', { from: slot.from.slice(11), to: slot.to.slice(11) });
        return (
          <label key={slot.from} className={`slot inline${full ? ' slot-full' : ''}${chosen === slot.from ? ' slot-chosen' : ''}`}>
            <input type="radio" name="slot" value={slot.from} checked={chosen === slot.from} disabled={full} onChange={() => onChoose(slot)} />
            <span className="slot-time">{label}</span>{' '}
            <span className="slot-left">{full ? t('orderForm.slotFull') : t('orderForm.slotLeft', { count: slot.available })}</span>
          </label>
        );
      })}
    </div>
  );
}
