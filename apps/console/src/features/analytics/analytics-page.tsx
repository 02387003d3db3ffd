import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../format';
import { addDays, shopDate, shopDayBounds } from '../../shop-clock';
import { DemandByHourAndArea, DemandForecast, PeakDays } from './demand';
import { ExceptionAreas, LateHours } from './exception-areas';
import './analytics.css';

const DEFAULT_DAYS = 90;

/**
 * The owner's analytics: where addresses go wrong, which hours run late, and demand with its
 * forecast. Every number comes from an API; hours and days are on the shop's clock.
 */
export default function AnalyticsPage() {
  const { t } = useTranslation();
  const { timeZone } = useFormat();
  const today = shopDate(Date.now(), timeZone);
  const [from, setFrom] = useState(() => addDays(today, -DEFAULT_DAYS));
  const [to, setTo] = useState(today);
  const period = useMemo(
    () => ({ fromInstant: shopDayBounds(from, timeZone).from, toInstant: shopDayBounds(to, timeZone).to, timeZone }),
    [from, to, timeZone],
  );

  return (
    <div className="analytics stack">
      <h1>{t('analytics.title')}</h1>
      <form className="row" aria-label={t('analytics.period')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('analytics.from')}
          <input type="date" required value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
        </label>
        <label>
          {t('analytics.to')}
          <input type="date" required value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
        </label>
        <p className="muted">{t('analytics.zone', { zone: timeZone })}</p>
      </form>
      <ExceptionAreas period={period} />
      <LateHours period={period} />
      <DemandByHourAndArea from={from} to={to} timeZone={timeZone} />
      <DemandForecast today={today} timeZone={timeZone} />
      <PeakDays today={today} timeZone={timeZone} />
    </div>
  );
}
