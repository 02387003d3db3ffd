import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Route, Routes } from 'react-router';
import { chooseLanguage } from '../i18n/i18n';
import { LANGUAGES } from '../i18n/messages';
import { alertsState, askForAlerts } from '../live/mention-alerts';
import { useStreamState } from '../live/live';
import { startOutbox, useOutbox } from '../outbox/outbox';
import { ROUTES } from '../routes';
import { membershipOf, type Session, signOut } from '../session';
import { useOnline } from './network';
import { OutboxSheet } from './outbox-sheet';
import { ShiftControl } from './shift';

/**
 * The frame of every screen: the shop, the network, what waits to be sent, the shift, a menu
 * (language, alerts, sign out), and the screens below it with a bar of the main ones at the
 * thumb's reach.
 */
export function Shell({ session }: { session: Session }) {
  const { t, i18n } = useTranslation();
  const online = useOnline();
  const stream = useStreamState();
  const entries = useOutbox();
  const [sheetOpen, setSheetOpen] = useState(false);
  const [alerts, setAlerts] = useState(alertsState);
  const shop = membershipOf(session);
  useEffect(() => startOutbox(), [session.personId, session.shopId]);

  const waiting = entries.filter((e) => e.state !== 'refused').length;
  const refused = entries.length - waiting;

  return (
    <div className="shell">
      <header className="top">
        <p className="shop-name">{shop?.shopName ?? t('common.appName')}</p>
        <p className="network" data-network={online ? 'online' : 'offline'} data-stream={stream} role="status">
          {online ? t('common.network.online') : t('common.network.offline')}
        </p>
        <button type="button" className="outbox-button" data-waiting={waiting} data-refused={refused} aria-haspopup="dialog" onClick={() => setSheetOpen(true)}>
          {t('common.outbox.button', { count: waiting })}
          {refused > 0 && <span className="badge">{t('common.outbox.refusedBadge', { count: refused })}</span>}
        </button>
        <details className="menu">
          <summary>{t('common.menu')}</summary>
          <div className="menu-body">
            <p>{session.displayName}</p>
            <div role="group" aria-label={t('common.language')}>
              {LANGUAGES.map((language) => (
                <button key={language} type="button" lang={language} aria-pressed={i18n.language === language} onClick={() => void chooseLanguage(language)}>
                  {language === 'zh-CN' ? '中文' : 'English'}
                </button>
              ))}
            </div>
            {alerts === 'default' && (
              <button type="button" onClick={() => void askForAlerts().then(setAlerts)}>
                {t('common.alerts.enable')}
              </button>
            )}
            {alerts === 'denied' && <p className="hint">{t('common.alerts.denied')}</p>}
            <p className="hint">{t('common.alerts.noPush')}</p>
            <button type="button" onClick={() => void signOut()}>
              {t('common.signOut')}
            </button>
          </div>
        </details>
      </header>
      <ShiftControl />
      <main id="main">
        <Suspense fallback={<p>{t('common.loading')}</p>}>
          <Routes>
            {ROUTES.map(({ path, Page }) => (
              <Route key={path} path={path} element={<Page />} />
            ))}
            <Route path="*" element={<p>{t('common.notFound')}</p>} />
          </Routes>
        </Suspense>
      </main>
      <nav className="tabs" aria-label={t('common.nav.label')}>
        <NavLink to="/" end>
          {t('common.nav.run')}
        </NavLink>
        <NavLink to="/chat">{t('common.nav.chat')}</NavLink>
        <NavLink to="/exceptions">{t('common.nav.exceptions')}</NavLink>
      </nav>
      {sheetOpen && <OutboxSheet entries={entries} onClose={() => setSheetOpen(false)} />}
    </div>
  );
}
