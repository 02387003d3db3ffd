import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useStreamState } from '../live/live';
import { SCREENS } from '../screens';
import { actAs, membershipOf, type Role, type Session, signOut } from '../session/session';
import { LanguagePicker } from './language-picker';

/** Every membership role the person may act as, as "shop|role" choices. */
function actingChoices(session: Session): Array<{ value: string; shopId: string; role: Role; label: string }> {
  return session.memberships.flatMap((m) => m.roles.map((role) => ({ value: `${m.shopId}|${role}`, shopId: m.shopId, role, label: m.shopName })));
}

export function Layout({ session, children }: { session: Session; children: ReactNode }) {
  const { t } = useTranslation();
  const state = useStreamState();
  const membership = membershipOf(session);
  const screens = SCREENS.filter((s) => s.nav && s.allowed(session.role, membership));
  const choices = actingChoices(session);

  return (
    <>
      <a className="skip" href="#main">
        {t('common.skipToContent')}
      </a>
      <header className="top">
        <span className="brand">{t('common.appName')}</span>
        {membership && <span className="shop-name">{membership.shopName}</span>}
        <nav aria-label={t('common.nav.label')}>
          <ul>
            {screens.map((s) => (
              <li key={s.path}>
                <NavLink to={s.path} end>
                  {t(`common.nav.${s.nav}`)}
                  {s.Badge && <s.Badge />}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`stream stream-${state}`} role="status" aria-live="polite" data-stream={state}>
          {t(`common.stream.${state}`)}
        </span>
        <div className="account">
          {choices.length > 1 ? (
            <label className="acting">
              <span className="visually-hidden">{t('common.actingAs')}</span>
              <select value={`${session.shopId}|${session.role}`} onChange={(e) => void actAs(...(e.target.value.split('|') as [string, Role]))}>
                {choices.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label} · {t(`common.role.${c.role}`)}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="acting">{t(`common.role.${session.role}`)}</span>
          )}
          <span className="person">{session.displayName}</span>
          <LanguagePicker compact />
          <button type="button" onClick={() => void signOut()}>
            {t('common.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
