import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api';
import { useFormat } from '../../format';
import { shopDate, shopInstant } from '../../shop-clock';
import { ApiProblem } from '../../ui/api-problem';
import { CopyOnce } from './copy-once';

type Webhook = Awaited<ReturnType<typeof listWebhooks>>['items'][number];
const listWebhooks = (shopId: string) => data(api.notifications.GET('/shops/{shopId}/webhooks', { params: { path: { shopId } } }));

/** Event types from a comma- or space-separated list; "*" (every type) when left empty. */
const eventTypesFrom = (text: string) => {
  const types = text
    .split(/[\s,，]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return types.length ? types : ['*'];
};

/** The shop's webhooks: register one (its secret shown once), rotate, follow deliveries, replay. */
export function WebhooksSection({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const webhooks = useQuery({ queryKey: ['webhooks', shopId], queryFn: () => listWebhooks(shopId) });
  return (
    <div className="stack">
      <h2>{t('shop.webhooks.title')}</h2>
      <CreateWebhook shopId={shopId} />
      <ApiProblem error={webhooks.error} />
      {webhooks.isPending && <p role="status">{t('common.loading')}</p>}
      {webhooks.data && webhooks.data.items.length === 0 && <p>{t('shop.webhooks.none')}</p>}
      {webhooks.data?.items.map((webhook) => (
        <WebhookCard key={webhook.id} shopId={shopId} webhook={webhook} />
      ))}
    </div>
  );
}

function CreateWebhook({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState('*');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () =>
      data(
        api.notifications.POST('/shops/{shopId}/webhooks', {
          params: { path: { shopId } },
          body: { url: url.trim(), eventTypes: eventTypesFrom(types), ...(description.trim() ? { description: description.trim() } : {}) },
        }),
      ),
    onSuccess: () => {
      setUrl('');
      setDescription('');
      void client.invalidateQueries({ queryKey: ['webhooks', shopId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <>
      <form className="card stack" onSubmit={submit} aria-labelledby="webhook-new-title">
        <h3 id="webhook-new-title">{t('shop.webhooks.add')}</h3>
        <div className="row">
          <label className="grow">
            {t('shop.webhooks.url')}
            <input type="url" required value={url} placeholder="https://" onChange={(e) => setUrl(e.target.value)} />
          </label>
          <label className="grow">
            {t('shop.webhooks.eventTypes')}
            <input value={types} onChange={(e) => setTypes(e.target.value)} aria-describedby="webhook-types-note" />
          </label>
          <label className="grow">
            {t('shop.webhooks.description')}
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
        </div>
        <p id="webhook-types-note" className="muted">
          {t('shop.webhooks.eventTypesNote')}
        </p>
        <div>
          <button type="submit" disabled={create.isPending}>
            {t('shop.webhooks.register')}
          </button>
        </div>
        <ApiProblem error={create.error} />
      </form>
      {create.data && (
        <CopyOnce label={t('shop.webhooks.secretFor', { url: create.data.url })} value={create.data.secret} note={t('shop.webhooks.secretOnce')} />
      )}
    </>
  );
}

function WebhookCard({ shopId, webhook }: { shopId: string; webhook: Webhook }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [showDeliveries, setShowDeliveries] = useState(false);
  const path = { shopId, subscriptionId: webhook.id };
  const refresh = () => void client.invalidateQueries({ queryKey: ['webhooks', shopId] });

  const rotate = useMutation({
    mutationFn: () => data(api.notifications.POST('/shops/{shopId}/webhooks/{subscriptionId}/rotate-secret', { params: { path }, body: {} })),
    onSuccess: refresh,
  });
  const toggle = useMutation({
    mutationFn: () => data(api.notifications.PATCH('/shops/{shopId}/webhooks/{subscriptionId}', { params: { path }, body: { enabled: !webhook.enabled } })),
    onSuccess: refresh,
  });
  const state = webhook.enabled ? 'enabled' : webhook.disabledReason === 'gone' ? 'gone' : 'disabled';
  const stateText = { enabled: t('shop.webhooks.enabled'), disabled: t('shop.webhooks.disabled'), gone: t('shop.webhooks.gone') }[state];

  return (
    <article className="card stack webhook" data-webhook-id={webhook.id} aria-labelledby={`webhook-${webhook.id}`}>
      <h3 id={`webhook-${webhook.id}`} className="url">
        {webhook.url}
      </h3>
      <p>
        <span className="badge" data-status={state}>
          {stateText}
        </span>{' '}
        {webhook.description && <span>{webhook.description} · </span>}
        <span className="muted">
          {t('shop.webhooks.types', { types: webhook.eventTypes.includes('*') ? t('shop.webhooks.allTypes') : webhook.eventTypes.join(', ') })}
        </span>
      </p>
      {webhook.previousSecretExpiresAt && (
        <p className="muted">{t('shop.webhooks.oldSecretUntil', { time: format.dateTime(webhook.previousSecretExpiresAt) })}</p>
      )}
      <div className="row">
        <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
          {t('shop.webhooks.rotate')}
        </button>
        <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {webhook.enabled ? t('shop.webhooks.disable') : t('shop.webhooks.enable')}
        </button>
        <button type="button" aria-expanded={showDeliveries} onClick={() => setShowDeliveries((v) => !v)}>
          {t('shop.webhooks.deliveries')}
        </button>
      </div>
      <ApiProblem error={rotate.error ?? toggle.error} />
      {rotate.data && (
        <CopyOnce
          label={t('shop.webhooks.newSecret')}
          value={rotate.data.secret}
          note={t('shop.webhooks.rotatedNote', { time: format.dateTime(rotate.data.previousSecretExpiresAt) })}
        />
      )}
      <Replay shopId={shopId} subscriptionId={webhook.id} />
      {showDeliveries && <Deliveries shopId={shopId} subscriptionId={webhook.id} />}
    </article>
  );
}

function Replay({ shopId, subscriptionId }: { shopId: string; subscriptionId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [date, setDate] = useState(() => shopDate(Date.now(), format.timeZone));
  const [time, setTime] = useState('00:00');
  const replay = useMutation({
    mutationFn: () =>
      data(
        api.notifications.POST('/shops/{shopId}/webhooks/{subscriptionId}/replay', {
          params: { path: { shopId, subscriptionId } },
          // The time is read on the shop's clock, as every time on this screen.
          body: { from: shopInstant(`${date}T${time}`, format.timeZone) },
        }),
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    replay.mutate();
  };
  return (
    <form className="row" onSubmit={submit} aria-label={t('shop.webhooks.replay')}>
      <label>
        {t('shop.webhooks.replayFromDate')}
        <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <label>
        {t('shop.webhooks.replayFromTime')}
        <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
      </label>
      <button type="submit" disabled={replay.isPending}>
        {t('shop.webhooks.replay')}
      </button>
      <span role="status">{replay.data ? t('shop.webhooks.replayed', { n: replay.data.replayed }) : ''}</span>
      <ApiProblem error={replay.error} />
    </form>
  );
}

function Deliveries({ shopId, subscriptionId }: { shopId: string; subscriptionId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', shopId, subscriptionId],
    queryFn: () =>
      data(
        api.notifications.GET('/shops/{shopId}/webhooks/{subscriptionId}/deliveries', {
          params: { path: { shopId, subscriptionId }, query: { limit: 20 } },
        }),
      ),
  });
  const statuses = {
    pending: t('shop.webhooks.status.pending'),
    delivered: t('shop.webhooks.status.delivered'),
    dead_letter: t('shop.webhooks.status.deadLetter'),
    cancelled: t('shop.webhooks.status.cancelled'),
  };
  if (deliveries.error) return <ApiProblem error={deliveries.error} />;
  if (!deliveries.data) return <p role="status">{t('common.loading')}</p>;
  if (deliveries.data.items.length === 0) return <p>{t('shop.webhooks.noDeliveries')}</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption>{t('shop.webhooks.deliveriesCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('shop.webhooks.created')}</th>
            <th scope="col">{t('shop.webhooks.eventType')}</th>
            <th scope="col">{t('shop.webhooks.statusColumn')}</th>
            <th scope="col">{t('shop.webhooks.attempts')}</th>
            <th scope="col">{t('shop.webhooks.lastAnswer')}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.items.map((d) => (
            <tr key={d.id}>
              <td>{format.dateTime(d.createdAt)}</td>
              <th scope="row">
                {d.eventType}
                {d.cause === 'replay' && <span className="muted"> · {t('shop.webhooks.replayCause')}</span>}
              </th>
              <td data-status={d.status}>{statuses[d.status]}</td>
              <td>{d.attempts.length}</td>
              <td>
                {d.lastStatusCode ?? ''} {d.lastError ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
