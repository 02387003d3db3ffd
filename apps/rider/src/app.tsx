import { useTranslation } from 'react-i18next';
import { signOut, useSession } from './session';
import { SignInPage } from './shell/sign-in-page';

export function App() {
  const { t } = useTranslation();
  const session = useSession();
  if (!session) return <SignInPage />;
  return (
    <main id="main">
      <h1>{t('common.appName')}</h1>
      <p>{session.displayName}</p>
      <button type="button" onClick={() => void signOut()}>
        {t('common.signOut')}
      </button>
    </main>
  );
}
