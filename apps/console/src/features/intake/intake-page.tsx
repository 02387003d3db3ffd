import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiProblem } from '../../ui/api-problem';
import { ConnectForm } from './connect-form';
import { ConnectionCard } from './connection-card';
import { CONNECTIONS_QUERY } from './connections-query';
import { intakeApi } from './intake-api';
import { WritebacksSection } from './writebacks-section';
import './intake.css';

const TABS = ['connections', 'writebacks'] as const;
type Tab = (typeof TABS)[number];

/** The shop's own order systems: connecting them and following what they send (one tab), and the status written back to them (the other). */
export default function IntakePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(asked ?? '') ? (asked as Tab) : 'connections';
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});
  const choose = (next: Tab) => setParams({ tab: next }, { replace: true });
  // The tab pattern of WAI-ARIA: arrows move between tabs, Home and End to the ends.
  const onKeyDown = (event: KeyboardEvent) => {
    const focused = TABS.findIndex((name) => buttons.current[name] === document.activeElement);
    const i = focused >= 0 ? focused : TABS.indexOf(tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = TABS[(next + TABS.length) % TABS.length];
    choose(target);
    buttons.current[target]?.focus();
  };

  return (
    <div className="intake stack">
      <h1>{t('intake.title')}</h1>
      <div role="tablist" aria-label={t('intake.title')} className="intake-tabs" onKeyDown={onKeyDown}>
        {TABS.map((name) => (
          <button
            key={name}
            ref={(el) => {
              buttons.current[name] = el;
            }}
            type="button"
            role="tab"
            id={`intake-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`intake-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => choose(name)}
          >
            {t(`intake.tabs.${name}`)}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`intake-panel-${tab}`} aria-labelledby={`intake-tab-${tab}`} className="stack">
        {tab === 'connections' ? <Connections /> : <WritebacksSection />}
      </section>
    </div>
  );
}

function Connections() {
  const { t } = useTranslation();
  const connections = useQuery({ queryKey: CONNECTIONS_QUERY, queryFn: intakeApi.connections });
  return (
    <>
      <p className="muted">{t('intake.intro')}</p>
      <ConnectForm />
      <h2>{t('intake.connections.title')}</h2>
      <ApiProblem error={connections.error} />
      {connections.isPending && <p role="status">{t('common.loading')}</p>}
      {connections.data && connections.data.connections.length === 0 && <p>{t('intake.connections.none')}</p>}
      {connections.data?.connections.map((connection) => (
        <ConnectionCard key={connection.connectionId} connection={connection} />
      ))}
    </>
  );
}
