import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../../ui/api-problem';
import { CONNECTIONS_QUERY } from './connections-query';
import { type Connection, intakeApi } from './intake-api';
import { type ChinaPlatform, PLATFORM_FIELDS } from './platforms';

/**
 * The platform issued a new app secret or access token: the owner pastes what changed. The
 * previous secret keeps verifying pushes for the grace period, so none is lost meanwhile.
 */
export function CredentialsEditor({ connection, platform }: { connection: Connection; platform: ChinaPlatform }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const names = PLATFORM_FIELDS[platform];
  const [appSecret, setAppSecret] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const [encodingAesKey, setEncodingAesKey] = useState('');
  const save = useMutation({
    mutationFn: () =>
      intakeApi.change(connection.connectionId, {
        ...(appSecret.trim() ? { appSecret: appSecret.trim() } : {}),
        ...(accessToken.trim() ? { accessToken: accessToken.trim() } : {}),
        ...(encodingAesKey.trim() ? { encodingAesKey: encodingAesKey.trim() } : {}),
      }),
    onSuccess: () => {
      setAppSecret('');
      setAccessToken('');
      setEncodingAesKey('');
      void client.invalidateQueries({ queryKey: CONNECTIONS_QUERY });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (appSecret.trim() || accessToken.trim() || encodingAesKey.trim()) save.mutate();
  };
  return (
    <form className="stack credentials" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('intake.credentials.title')}</h4>
      <p className="muted small">{t('intake.credentials.note')}</p>
      <div className="row">
        <label className="grow">
          {t('intake.credentials.appSecret', { name: names.appSecret })}
          <input type="password" autoComplete="off" value={appSecret} onChange={(e) => setAppSecret(e.target.value)} />
        </label>
        {names.accessToken && (
          <label className="grow">
            {t('intake.credentials.accessToken', { name: names.accessToken })}
            <input type="password" autoComplete="off" value={accessToken} onChange={(e) => setAccessToken(e.target.value)} />
          </label>
        )}
        {names.encodingAesKey && (
          <label className="grow">
            {t('intake.credentials.accessToken', { name: names.encodingAesKey })}
            <input type="password" autoComplete="off" value={encodingAesKey} onChange={(e) => setEncodingAesKey(e.target.value)} />
          </label>
        )}
      </div>
      <ApiProblem error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.isPending}>
          {t('intake.credentials.save')}
        </button>
        <span role="status">{save.isSuccess ? t('intake.credentials.saved') : ''}</span>
      </div>
    </form>
  );
}
