import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { LiveProvider } from './live/live';
import { HOME, SCREENS } from './screens';
import { membershipOf, useSession } from './session/session';
import { Layout } from './shell/layout';
import { SignInPage } from './shell/sign-in-page';

export function App() {
  const { t } = useTranslation();
  const session = useSession();
  if (!session) return <SignInPage />;
  const membership = membershipOf(session);
  const screens = SCREENS.filter((s) => s.allowed(session.role, membership));
  const home = screens.some((s) => s.path === HOME[session.role]) ? HOME[session.role] : screens[0]?.path;

  return (
    <LiveProvider>
      <Layout session={session}>
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
          <Routes>
            {screens.map(({ path, Page }) => (
              <Route key={path} path={path} element={<Page />} />
            ))}
            <Route path="*" element={home ? <Navigate to={home} replace /> : <NoScreens rider={session.role === 'rider'} />} />
          </Routes>
        </Suspense>
      </Layout>
    </LiveProvider>
  );
}

/** A role with no screen here; a rider is sent to their own app (a page of its own, not the console's). */
function NoScreens({ rider }: { rider: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <p>{t('common.noScreens')}</p>
      {rider && (
        <p>
          {t('common.riderApp')} <a href="/rider/">{t('common.openRiderApp')}</a>
        </p>
      )}
    </>
  );
}
