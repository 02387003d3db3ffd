import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { actAs, signIn, useSession } from '../session';

/** The accept call's refusals the page explains; anything else is shown with the service's code. */
const EXPLAINED = new Set([
  'INVITATION_USED',
  'INVITATION_REVOKED',
  'INVITATION_EXPIRED',
  'INVITATION_NOT_FOUND',
  'INVITATION_FOR_ANOTHER_EMAIL',
  'ALREADY_MEMBER',
  'EMAIL_TAKEN',
  'EMAIL_REQUIRED',
  'PASSWORD_TOO_SHORT',
  'PASSWORD_TOO_LONG',
  'PASSWORD_COMMON',
  'PASSWORD_CONTAINS_EMAIL',
  'PASSWORD_CONTAINS_SHOP_NAME',
  'PASSWORD_CONTAINS_SERVICE_NAME',
  'TOO_MANY_ATTEMPTS',
]);

class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function accept(secret: string, body: object, token?: string): Promise<{ shopId: string; roles: string[] }> {
  const response = await fetch(`/api/accounts/invitations/${encodeURIComponent(secret)}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as { code?: string; message?: string; shopId?: string; roles?: string[] };
  if (!response.ok) throw new Refused(answer.code ?? (response.status === 429 ? 'TOO_MANY_ATTEMPTS' : `HTTP_${response.status}`), answer.message ?? '');
  return { shopId: answer.shopId ?? '', roles: answer.roles ?? [] };
}

/**
 * `/rider/invitation#<secret>`: the link the shop sent. The rider chooses a name and a password,
 * accepts, and is signed in on this phone from then on; the link's secret never reaches a
 * server's log (it is after `#`). Someone already signed in here joins with their own account.
 */
export function InvitationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const [secret] = useState(() => decodeURIComponent(location.hash.replace(/^#/, '')));
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [working, setWorking] = useState(false);

  const explain = (err: unknown) => {
    if (err instanceof Refused) {
      const words = EXPLAINED.has(err.code) ? t(`common.invitation.refused.${err.code}`) : t('common.error', { message: err.message });
      return `${words} (${err.code})`;
    }
    return t('common.invitation.unreachable');
  };

  const finish = async (shopId: string) => {
    await actAs(shopId, 'rider');
    // The secret is spent: off the address bar and out of the history.
    history.replaceState(null, '', '/rider/');
    await navigate('/', { replace: true });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setWorking(true);
    setProblem(undefined);
    try {
      const joined = await accept(secret, { displayName: displayName.trim(), email: email.trim(), password });
      await signIn(email.trim(), password);
      await finish(joined.shopId);
    } catch (err) {
      setProblem(explain(err));
    } finally {
      setWorking(false);
    }
  };

  const join = async () => {
    setWorking(true);
    setProblem(undefined);
    try {
      await finish((await accept(secret, {}, session?.accessToken)).shopId);
    } catch (err) {
      setProblem(explain(err));
    } finally {
      setWorking(false);
    }
  };

  if (!secret) {
    return (
      <main className="sign-in" id="main">
        <h1>{t('common.invitation.title')}</h1>
        <p role="alert">{t('common.invitation.noSecret')}</p>
      </main>
    );
  }

  if (session) {
    return (
      <main className="sign-in" id="main">
        <h1>{t('common.invitation.title')}</h1>
        <p>{t('common.invitation.signedInAs', { name: session.displayName })}</p>
        {problem && <p role="alert">{problem}</p>}
        <button type="button" className="primary" disabled={working} onClick={() => void join()}>
          {t('common.invitation.join')}
        </button>
      </main>
    );
  }

  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-labelledby="invitation-title">
        <h1 id="invitation-title">{t('common.invitation.title')}</h1>
        <p>{t('common.invitation.intro')}</p>
        <label>
          {t('common.invitation.name')}
          <input autoComplete="name" required maxLength={100} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label>
          {t('common.signIn.email')}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby="email-hint" />
        </label>
        <p id="email-hint" className="hint">
          {t('common.invitation.emailHint')}
        </p>
        <label>
          {t('common.invitation.password')}
          <input
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby="password-hint"
          />
        </label>
        <p id="password-hint" className="hint">
          {t('common.invitation.passwordHint')}
        </p>
        {problem && <p role="alert">{problem}</p>}
        <button type="submit" className="primary" disabled={working}>
          {t('common.invitation.accept')}
        </button>
      </form>
    </main>
  );
}
