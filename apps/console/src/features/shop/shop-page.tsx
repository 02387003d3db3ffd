import { type KeyboardEvent, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useSession } from '../../session/session';
import { PeopleSection } from './people-section';
import { RidersSection } from './riders-section';
import { SlotsSection } from './slots-section';
import { WebhooksSection } from './webhooks-section';
import './shop.css';

const TABS = ['slots', 'riders', 'people', 'webhooks'] as const;
type Tab = (typeof TABS)[number];

/** The owner's shop: slots, riders, people and webhooks, one tab each (the tab is kept in the address). */
export default function ShopPage() {
  const { t } = useTranslation();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(asked ?? '') ? (asked as Tab) : 'slots';
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});
  const labels: Record<Tab, string> = {
    slots: t('shop.tabs.slots'),
    riders: t('shop.tabs.riders'),
    people: t('shop.tabs.people'),
    webhooks: t('shop.tabs.webhooks'),
  };

  const choose = (next: Tab) => setParams({ tab: next }, { replace: true });
  // The tab pattern of WAI-ARIA: arrows move between tabs, Home and End to the ends.
  const onKeyDown = (event: KeyboardEvent) => {
    // From the focused tab, not the state: keys pressed faster than a render still move one tab each.
    const focused = TABS.findIndex((name) => buttons.current[name] === document.activeElement);
    const i = focused >= 0 ? focused : TABS.indexOf(tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = TABS[(next + TABS.length) % TABS.length];
    choose(target);
    buttons.current[target]?.focus();
  };

  if (!session?.shopId) return <h1>{t('shop.title')}</h1>;
  return (
    <div className="shop">
      <h1>{t('shop.title')}</h1>
      <div role="tablist" aria-label={t('shop.title')} className="shop-tabs" onKeyDown={onKeyDown}>
        {TABS.map((name) => (
          <button
            key={name}
            ref={(el) => {
              buttons.current[name] = el;
            }}
            type="button"
            role="tab"
            id={`shop-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`shop-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => choose(name)}
          >
            {labels[name]}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`shop-panel-${tab}`} aria-labelledby={`shop-tab-${tab}`} className="shop-panel">
        {tab === 'slots' && <SlotsSection shopId={session.shopId} />}
        {tab === 'riders' && <RidersSection />}
        {tab === 'people' && <PeopleSection shopId={session.shopId} />}
        {tab === 'webhooks' && <WebhooksSection shopId={session.shopId} />}
      </section>
    </div>
  );
}
