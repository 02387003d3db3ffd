import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
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

/** Delivery slots by day: places taken and left, and the plan that sets the capacity, as the shop saved it. */
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
  const plan = useQuery({
    queryKey: ['delivery-slot-plan', shopId],
    queryFn: ({ signal }) => data(api.orders.GET('/shops/{shopId}/delivery-slots/plan', { params: { path: { shopId } }, signal })),
  });
  const unplanned = (error: Error | null) => error instanceof ApiError && error.code === 'NO_SLOT_PLAN';
  const noPlan = unplanned(plan.error);
  const failure = [plan, ...days].find((q) => q.error && !unplanned(q.error))?.error;
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
      {[plan, ...days].some((q) => q.isPending) && <p role="status">{t('common.loading')}</p>}
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
      {(plan.data || noPlan) && <SlotPlanForm shopId={shopId} timeZone={format.timeZone} current={plan.data} />}
    </div>
  );
}

/** What a shop with no plan yet starts from: two-hour slots of eight deliveries, no special dates. */
const NEW_PLAN: PlanDraft = { slotMinutes: 120, capacity: 8, overrides: [] };

interface PlanDraft {
  slotMinutes: number;
  capacity: number;
  overrides: Override[];
}

function SlotPlanForm({ shopId, timeZone, current }: { shopId: string; timeZone: string; current?: PlanDraft & { plannedAt: string } }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  // Until someone edits, the form shows the plan as saved, and follows it when it changes elsewhere.
  const [edited, setEdited] = useState<PlanDraft | undefined>();
  const shown: PlanDraft = edited ?? current ?? NEW_PLAN;
  const edit = (change: Partial<PlanDraft>) => setEdited({ ...shown, ...change });
  const lengths = [...new Set([...SLOT_LENGTHS, shown.slotMinutes])].sort((a, b) => a - b);

  const save = useMutation({
    mutationFn: () =>
      data(
        api.orders.PUT('/shops/{shopId}/delivery-slots', {
          params: { path: { shopId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: { timeZone, slotMinutes: shown.slotMinutes, capacity: shown.capacity, overrides: shown.overrides },
        }),
      ),
    onSuccess: () => {
      setEdited(undefined);
      void client.invalidateQueries({ queryKey: ['delivery-slot-plan', shopId] });
      void client.invalidateQueries({ queryKey: ['delivery-slots', shopId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const setOverride = (i: number, change: Partial<Override>) => edit({ overrides: shown.overrides.map((o, j) => (j === i ? { ...o, ...change } : o)) });

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="slot-plan-title">
      <h3 id="slot-plan-title">{t('shop.slots.plan')}</h3>
      <p className="muted">
        {t('shop.slots.planNote')} {current && !edited && t('shop.slots.plannedAt', { time: format.dateTime(current.plannedAt) })}
      </p>
      <div className="row">
        <label>
          {t('shop.slots.slotMinutes')}
          <select value={shown.slotMinutes} onChange={(e) => edit({ slotMinutes: Number(e.target.value) })}>
            {lengths.map((m) => (
              <option key={m} value={m}>
                {t('shop.slots.minutes', { n: m })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('shop.slots.capacity')}
          <input type="number" min={0} max={10000} required value={shown.capacity} onChange={(e) => edit({ capacity: Number(e.target.value) })} />
        </label>
      </div>
      <fieldset className="stack">
        <legend>{t('shop.slots.overrides')}</legend>
        {shown.overrides.length === 0 && <p className="muted">{t('shop.slots.noOverrides')}</p>}
        {shown.overrides.map((o, i) => (
          <div className="row" key={i}>
            <label>
              {t('shop.slots.overrideDate')}
              <input type="date" required value={o.date} onChange={(e) => setOverride(i, { date: e.target.value })} />
            </label>
            <label>
              {t('shop.slots.overrideCapacity')}
              <input type="number" min={0} max={10000} required value={o.capacity} onChange={(e) => setOverride(i, { capacity: Number(e.target.value) })} />
            </label>
            <button type="button" onClick={() => edit({ overrides: shown.overrides.filter((_, j) => j !== i) })}>
              {t('shop.slots.removeOverride', { date: o.date || '…' })}
            </button>
          </div>
        ))}
        <div>
          <button type="button" onClick={() => edit({ overrides: [...shown.overrides, { date: '', capacity: shown.capacity }] })}>
            {t('shop.slots.addOverride')}
          </button>
        </div>
      </fieldset>
      <div className="row">
        <button type="submit" disabled={save.isPending}>
          {t('shop.slots.savePlan')}
        </button>
        {edited && (
          <button type="button" onClick={() => setEdited(undefined)}>
            {t('shop.slots.discard')}
          </button>
        )}
        <span role="status">{save.isSuccess && !edited ? t('shop.slots.saved') : ''}</span>
      </div>
      <ApiProblem error={save.error} />
    </form>
  );
}
