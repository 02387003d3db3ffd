import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { CopyOnce } from '../shop/copy-once';
import { CallbackUrls } from './callback-urls';
import { connectBody, type ConnectDraft, emptyConnectDraft } from './connect-draft';
import { CONNECTIONS_QUERY } from './connections-query';
import { intakeApi, type Platform } from './intake-api';
import { type ChinaPlatform, fieldPurpose, isChinaPlatform, PLATFORM_FIELDS, PLATFORMS } from './platforms';

/**
 * Connecting a Shopify shop or a WooCommerce site: where it is, the webhook's signing secret
 * (pasted from the platform, or made here and shown once), and the credentials status is written
 * back with. Or a store on a Chinese platform: its app's key and secret and the store, named as
 * the platform's console names them. The answer gives the address(es) to paste into the
 * platform's admin or console.
 */
export function ConnectForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const format = useFormat();
  const id = useId();
  const [draft, setDraft] = useState<ConnectDraft>(() => emptyConnectDraft('shopify'));
  const update = (patch: Partial<ConnectDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const connect = useMutation({
    mutationFn: () => intakeApi.connect(connectBody(draft, format.timeZone)),
    onSuccess: () => {
      setDraft(emptyConnectDraft(draft.platform));
      void client.invalidateQueries({ queryKey: CONNECTIONS_QUERY });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate();
  };
  const choose = (platform: Platform) => setDraft((d) => ({ ...emptyConnectDraft(platform), label: d.label }));
  const connected = connect.data;
  const shopify = draft.platform === 'shopify';
  const china = isChinaPlatform(draft.platform) ? draft.platform : undefined;

  return (
    <>
      <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t('intake.connect.title')}</h2>
        <fieldset className="row">
          <legend>{t('intake.connect.platform')}</legend>
          {PLATFORMS.map((platform) => (
            <label key={platform} className="inline">
              <input type="radio" name={`${id}-platform`} value={platform} checked={draft.platform === platform} onChange={() => choose(platform)} />
              {t(`intake.platform.${platform}`)}
            </label>
          ))}
        </fieldset>
        {china ? (
          <>
            <div className="row">
              <label className="grow">
                {t('intake.connect.label')}
                <input required value={draft.label} onChange={(e) => update({ label: e.target.value })} />
              </label>
            </div>
            <PlatformFields platform={china} draft={draft} update={update} />
          </>
        ) : (
          <>
            <div className="row">
              <label className="grow">
                {t('intake.connect.label')}
                <input required value={draft.label} onChange={(e) => update({ label: e.target.value })} />
              </label>
              {shopify ? (
                <label className="grow">
                  {t('intake.connect.shopDomain')}
                  <input
                    required
                    value={draft.shopDomain}
                    placeholder="petals.myshopify.com"
                    onChange={(e) => update({ shopDomain: e.target.value })}
                    aria-describedby={`${id}-domain-note`}
                  />
                </label>
              ) : (
                <label className="grow">
                  {t('intake.connect.siteUrl')}
                  <input
                    required
                    type="url"
                    value={draft.siteUrl}
                    placeholder="https://"
                    onChange={(e) => update({ siteUrl: e.target.value })}
                    aria-describedby={`${id}-domain-note`}
                  />
                </label>
              )}
            </div>
            <p id={`${id}-domain-note`} className="muted small">
              {shopify ? t('intake.connect.shopDomainNote') : t('intake.connect.siteUrlNote')}
            </p>
            <fieldset className="stack">
              <legend>{t('intake.connect.secret')}</legend>
              {!shopify && (
                <>
                  <label className="inline">
                    <input type="radio" name={`${id}-secret`} checked={!draft.pasteSecret} onChange={() => update({ pasteSecret: false, webhookSecret: '' })} />
                    {t('intake.connect.generate')}
                  </label>
                  <label className="inline">
                    <input type="radio" name={`${id}-secret`} checked={draft.pasteSecret} onChange={() => update({ pasteSecret: true })} />
                    {t('intake.connect.paste')}
                  </label>
                </>
              )}
              {draft.pasteSecret && (
                <label>
                  {t('intake.connect.secretValue')}
                  <input
                    required
                    type="password"
                    autoComplete="off"
                    value={draft.webhookSecret}
                    onChange={(e) => update({ webhookSecret: e.target.value })}
                    aria-describedby={`${id}-secret-note`}
                  />
                </label>
              )}
              <p id={`${id}-secret-note`} className="muted small">
                {shopify ? t('intake.connect.secretNoteShopify') : t('intake.connect.secretNoteWoo')}
              </p>
            </fieldset>
            <fieldset className="stack">
              <legend>{t('intake.connect.writeBack')}</legend>
              <p className="muted small">{shopify ? t('intake.connect.writeBackNoteShopify') : t('intake.connect.writeBackNoteWoo')}</p>
              {shopify ? (
                <label>
                  {t('intake.connect.adminAccessToken')}
                  <input type="password" autoComplete="off" value={draft.adminAccessToken} onChange={(e) => update({ adminAccessToken: e.target.value })} />
                </label>
              ) : (
                <div className="row">
                  <label className="grow">
                    {t('intake.connect.consumerKey')}
                    <input autoComplete="off" value={draft.consumerKey} placeholder="ck_…" onChange={(e) => update({ consumerKey: e.target.value })} />
                  </label>
                  <label className="grow">
                    {t('intake.connect.consumerSecret')}
                    <input
                      type="password"
                      autoComplete="off"
                      value={draft.consumerSecret}
                      placeholder="cs_…"
                      onChange={(e) => update({ consumerSecret: e.target.value })}
                    />
                  </label>
                </div>
              )}
            </fieldset>
          </>
        )}
        <ApiProblem error={connect.error} />
        <div>
          <button type="submit" className="primary" disabled={connect.isPending}>
            {t('intake.connect.submit')}
          </button>
        </div>
      </form>
      {connected && (
        <section className="card stack connected" aria-labelledby={`${id}-done`}>
          <h3 id={`${id}-done`}>{t('intake.connect.done', { label: connected.connection.label })}</h3>
          {isChinaPlatform(connected.connection.platform) ? (
            <CallbackUrls connection={connected.connection} />
          ) : (
            <CopyOnce
              label={t('intake.connect.webhookUrl')}
              value={connected.webhookUrl}
              note={t(`intake.connect.whereToPaste.${connected.connection.platform}`)}
            />
          )}
          {connected.webhookSecret && (
            <CopyOnce label={t('intake.connect.generatedSecret')} value={connected.webhookSecret} note={t('intake.connect.secretOnce')} />
          )}
        </section>
      )}
    </>
  );
}

/** A Chinese platform's app and store, each field under the name the platform's console gives it. */
function PlatformFields({ platform, draft, update }: { platform: ChinaPlatform; draft: ConnectDraft; update: (patch: Partial<ConnectDraft>) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const names = PLATFORM_FIELDS[platform];
  const field = (key: keyof typeof names, options: { secret?: boolean; required?: boolean }) => {
    const name = names[key];
    if (!name) return null;
    return (
      <label className="grow">
        {name} <span className="muted small">{t(`intake.connect.field.${fieldPurpose(platform, key)}`)}</span>
        <input
          required={options.required}
          type={options.secret ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          value={draft[key]}
          onChange={(e) => update({ [key]: e.target.value })}
          aria-describedby={`${id}-note`}
        />
      </label>
    );
  };
  return (
    <fieldset className="stack">
      <legend>{t('intake.connect.app')}</legend>
      <p id={`${id}-note`} className="muted small">
        {t(`intake.connect.appNote.${platform}`)}
      </p>
      <div className="row">
        {field('appKey', { required: true })}
        {field('appSecret', { secret: true, required: true })}
      </div>
      <div className="row">
        {field('storeRef', { required: true })}
        {field('pushToken', { secret: true, required: true })}
        {field('encodingAesKey', { secret: true, required: true })}
        {field('accessToken', { secret: true })}
      </div>
    </fieldset>
  );
}
