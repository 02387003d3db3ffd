import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { addDays, shopDate } from '../../shop-clock';
import { ApiProblem } from '../../ui/api-problem';

const DAYS_SHOWN = 7;
// Lengths that divide a day into whole slots (the service refuses others).
const SLOT_LENGTHS = [30, 60, 90, 120, 180, 240, 360, 480, 720];

interface Override {
  date: string;
  capacity: number;
}

/** "2026-02-14T10:00" → "10:00": slots are named by their local start. */
const startOf = (slot: string) => slot.slice(11, 16);

/** Delivery slots by day: places taken and left, and the plan that sets the capacity. */
export function SlotsSection({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [firstDay, setFirstDay] = useState(() => shopDate(Date.now(), format.timeZone));
  const dates = Array.from({ length: DAYS_SHOWN }, (_, i) => addDays(firstDay, i));
  const days = useQueries({
    queries: dates.map((date) => ({
      queryKey: ['delivery-slots', shopId, date],
      queryFn: () => data(api.orders.GET('/shops/{shopId}/delivery-slots', { params: { path: { shopId }, query: { date } } })),
    })),
  });
  const noPlan = days.some((d) => d.error instanceof ApiError && d.error.status === 404);
  const failure = days.find((d) => d.error && !(d.error instanceof ApiError && d.error.status === 404))?.error;
  const loaded = days.flatMap((d) => (d.data ? [d.data] : []));
  const starts = [...new Set(loaded.flatMap((d) => d.slots.map((s) => startOf(s.slot))))].sort();
  const dayLabel = (date: string) =>
    new Intl.DateTimeFormat(format.locale, { timeZone: 'UTC', weekday: 'short', month: 'numeric', day: 'numeric' }).format(new Date(`${date}T00:00:00Z`));

  return (
    <div className="stack">
      <h2>{t('shop.slots.title')}</h2>
      <p className="muted">{t('shop.slots.zone', { zone: format.timeZone })}</p>
      <label className="inline">
        {t('shop.slots.from')}
        <input type="date" value={firstDay} required onChange={(e) => e.target.value && setFirstDay(e.target.value)} />
      </label>
      <ApiProblem error={failure} />
      {noPlan && <p>{t('shop.slots.noPlan')}</p>}
      {days.some((d) => d.isPending) && <p role="status">{t('common.loading')}</p>}
      {starts.length > 0 && (
        <div className="table-scroll">
          <table className="slots-grid">
            <caption>{t('shop.slots.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('shop.slots.slot')}</th>
                {dates.map((date) => (
                  <th key={date} scope="col">
                    {dayLabel(date)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {starts.map((start) => (
                <tr key={start}>
                  <th scope="row">{start}</th>
                  {dates.map((date, i) => {
                    const slot = days[i].data?.slots.find((s) => startOf(s.slot) === start);
                    if (!slot) return <td key={date}>–</td>;
                    const full = slot.available === 0;
                    return (
                      <td key={date} className={full ? 'slot-full' : undefined} data-status={full ? 'full' : 'open'}>
                        {t('shop.slots.cell', { reserved: slot.reserved, capacity: slot.capacity })}
                        {full && <span className="badge">{t('shop.slots.full')}</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <SlotPlanForm shopId={shopId} timeZone={format.timeZone} seen={loaded} />
    </div>
  );
}

/** The most frequent value: the plan's everyday capacity, as the days on screen show it. */
function mostCommon(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  values.forEach((v) => counts.set(v, (counts.get(v) ?? 0) + 1));
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function SlotPlanForm({ shopId, timeZone, seen }: { shopId: string; timeZone: string; seen: Array<{ slots: Array<{ slot: string; capacity: number }> }> }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  // The API answers availability but not the plan itself: start from what the days show.
  const shownLength = seen.find((d) => d.slots.length > 0)?.slots.length;
  const [slotMinutes, setSlotMinutes] = useState<number | undefined>();
  const [capacity, setCapacity] = useState<number | undefined>();
  const [overrides, setOverrides] = useState<Override[]>([]);
  const minutes = slotMinutes ?? (shownLength ? 1440 / shownLength : 120);
  const perSlot = capacity ?? mostCommon(seen.flatMap((d) => d.slots.map((s) => s.capacity))) ?? 8;

  const save = useMutation({
    mutationFn: () =>
      data(
        api.orders.PUT('/shops/{shopId}/delivery-slots', {
          params: { path: { shopId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: { timeZone, slotMinutes: minutes, capacity: perSlot, overrides },
        }),
      ),
    onSuccess: (plan) => {
      setOverrides(plan.overrides);
      void client.invalidateQueries({ queryKey: ['delivery-slots', shopId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const setOverride = (i: number, change: Partial<Override>) => setOverrides((list) => list.map((o, j) => (j === i ? { ...o, ...change } : o)));

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="slot-plan-title">
      <h3 id="slot-plan-title">{t('shop.slots.plan')}</h3>
      <p className="muted">{t('shop.slots.planNote')}</p>
      <div className="row">
        <label>
          {t('shop.slots.slotMinutes')}
          <select value={minutes} onChange={(e) => setSlotMinutes(Number(e.target.value))}>
            {SLOT_LENGTHS.map((m) => (
              <option key={m} value={m}>
                {t('shop.slots.minutes', { n: m })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('shop.slots.capacity')}
          <input type="number" min={0} max={10000} required value={perSlot} onChange={(e) => setCapacity(Number(e.target.value))} />
        </label>
      </div>
      <fieldset className="stack">
        <legend>{t('shop.slots.overrides')}</legend>
        {overrides.length === 0 && <p className="muted">{t('shop.slots.noOverrides')}</p>}
        {overrides.map((o, i) => (
          <div className="row" key={i}>
            <label>
              {t('shop.slots.overrideDate')}
              <input type="date" required value={o.date} onChange={(e) => setOverride(i, { date: e.target.value })} />
            </label>
            <label>
              {t('shop.slots.overrideCapacity')}
              <input type="number" min={0} max={10000} required value={o.capacity} onChange={(e) => setOverride(i, { capacity: Number(e.target.value) })} />
            </label>
            <button type="button" onClick={() => setOverrides((list) => list.filter((_, j) => j !== i))}>
              {t('shop.slots.removeOverride', { date: o.date || '…' })}
            </button>
          </div>
        ))}
        <div>
          <button type="button" onClick={() => setOverrides((list) => [...list, { date: '', capacity: perSlot }])}>
            {t('shop.slots.addOverride')}
          </button>
        </div>
      </fieldset>
      <div className="row">
        <button type="submit" disabled={save.isPending}>
          {t('shop.slots.savePlan')}
        </button>
        <span role="status">{save.isSuccess ? t('shop.slots.saved') : ''}</span>
      </div>
      <ApiProblem error={save.error} />
    </form>
  );
}
