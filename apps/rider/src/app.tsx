import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router';
import { LiveProvider } from './live/live';
import { actAs, signOut, useSession } from './session';
import { InvitationPage } from './shell/invitation-page';
import { Shell } from './shell/shell';
import { SignInPage } from './shell/sign-in-page';

export function App() {
  return (
    <Routes>
      <Route path="/invitation" element={<InvitationPage />} />
      <Route path="*" element={<SignedIn />} />
    </Routes>
  );
}

/**
 * The app proper, for a rider: someone who is also staff or a dispatcher somewhere acts as the
 * rider of the shop (one token carries one role); someone who rides for no shop is told so.
 */
function SignedIn() {
  const { t } = useTranslation();
  const session = useSession();
  const [problem, setProblem] = useState<string>();
  const riderShop =
    session?.memberships.find((m) => m.shopId === session.shopId && m.roles.includes('rider')) ?? session?.memberships.find((m) => m.roles.includes('rider'));
  const needsSwitch = Boolean(session && riderShop && session.role !== 'rider');

  useEffect(() => {
    if (!needsSwitch || !riderShop) return;
    actAs(riderShop.shopId, 'rider').catch((err: unknown) => setProblem((err as Error).message));
  }, [needsSwitch, riderShop]);

  if (!session) return <SignInPage />;
  if (!riderShop) {
    return (
      <main className="sign-in" id="main">
        <h1>{t('common.appName')}</h1>
        <p role="alert">{t('common.notARider', { name: session.displayName })}</p>
        <button type="button" onClick={() => void signOut()}>
          {t('common.signOut')}
        </button>
      </main>
    );
  }
  if (needsSwitch) return <main id="main">{problem ? <p role="alert">{t('common.error', { message: problem })}</p> : <p>{t('common.loading')}</p>}</main>;
  return (
    <LiveProvider>
      <Shell session={session} />
    </LiveProvider>
  );
}
