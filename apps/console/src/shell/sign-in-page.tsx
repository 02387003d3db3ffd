import { useTranslation } from 'react-i18next';
import { useSignInForm } from '@petalpost/web-kit';
import { signIn } from '../session/session';
import { LanguagePicker } from './language-picker';

export function SignInPage() {
  const { t } = useTranslation();
  const { email, setEmail, password, setPassword, problem, working, submit } = useSignInForm(signIn);

  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('common.signIn.title')}</h1>
        <label>
          {t('common.signIn.email')}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('common.signIn.password')}
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {problem && (
          <p role="alert" className="problem">
            {t(`common.signIn.${problem}`)}
          </p>
        )}
        <button type="submit" disabled={working}>
          {working ? t('common.signIn.working') : t('common.signIn.submit')}
        </button>
        <LanguagePicker />
      </form>
    </main>
  );
}
