import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { signIn, SignInError } from '../session';

export function SignInPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [working, setWorking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setWorking(true);
    setProblem(undefined);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      const code = err instanceof SignInError ? err.code : '';
      setProblem(
        err instanceof TypeError
          ? t('common.signIn.unreachable')
          : code === 'ACCOUNT_LOCKED'
            ? t('common.signIn.locked')
            : err instanceof SignInError && err.status === 429
              ? t('common.signIn.throttled')
              : t('common.signIn.failed'),
      );
    } finally {
      setWorking(false);
    }
  };

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
        {problem && <p role="alert">{problem}</p>}
        <button type="submit" className="primary" disabled={working}>
          {t('common.signIn.submit')}
        </button>
      </form>
    </main>
  );
}
