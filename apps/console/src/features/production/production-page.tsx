import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { AttachmentThumbnail, isAttachmentId } from '../../ui/attachment-thumbnail';
import './production.css';

type OrderRow = Awaited<ReturnType<typeof listOrders>>[number];
type QueueStatus = 'accepted' | 'in_production' | 'ready';

async function listOrders(status: QueueStatus) {
  const page = await data(api.orders.GET('/orders', { params: { query: { status, sort: 'window', limit: 200 } } }));
  return page.items;
}

/**
 * The order to make them in: the earliest window first; within one start, an order with a hard
 * deadline (a funeral service) before one without, the earlier deadline first.
 */
export function productionOrder(a: Pick<OrderRow, 'deliveryWindow' | 'deadline'>, b: Pick<OrderRow, 'deliveryWindow' | 'deadline'>): number {
  const byWindow = Date.parse(a.deliveryWindow.from) - Date.parse(b.deliveryWindow.from);
  if (byWindow !== 0) return byWindow;
  const deadlineA = a.deadline ? Date.parse(a.deadline) : Infinity;
  const deadlineB = b.deadline ? Date.parse(b.deadline) : Infinity;
  return deadlineA === deadlineB ? 0 : deadlineA < deadlineB ? -1 : 1;
}

function useQueue(statuses: QueueStatus[]) {
  return useQuery({
    queryKey: ['production', 'queue', ...statuses],
    queryFn: async () => {
      // Each status is its own page, read a moment apart: an order that just moved on may be in
      // two of them. Keep it once, as its newest version says.
      const newest = new Map<string, OrderRow>();
      for (const row of (await Promise.all(statuses.map(listOrders))).flat()) {
        const seen = newest.get(row.orderId);
        if (!seen || row.version > seen.version) newest.set(row.orderId, row);
      }
      return [...newest.values()].sort(productionOrder);
    },
  });
}

export default function ProductionPage() {
  const { t } = useTranslation();
  // One read of the three statuses, split here: two queries refetched apart would, for a moment,
  // show an order that just moved on in both lists.
  const queue = useQueue(['accepted', 'in_production', 'ready']);
  const toMake = queue.data?.filter((row) => row.status !== 'ready');
  const ready = queue.data?.filter((row) => row.status === 'ready');

  return (
    <div className="production">
      <h1>{t('production.title')}</h1>
      <p className="muted">{t('production.intro')}</p>
      <section aria-labelledby="production-to-make">
        <h2 id="production-to-make">{t('production.toMake')}</h2>
        {queue.isPending && <p role="status">{t('common.loading')}</p>}
        <ApiProblem error={queue.error} />
        {toMake?.length === 0 && <p>{t('production.empty')}</p>}
        <ol className="production-queue">
          {toMake?.map((row) => (
            <li key={row.orderId}>
              <ProductionCard row={row} />
            </li>
          ))}
        </ol>
      </section>
      {Boolean(ready?.length) && (
        <section aria-labelledby="production-ready">
          <h2 id="production-ready">{t('production.ready')}</h2>
          <p className="muted">{t('production.readyIntro')}</p>
          <ol className="production-queue">
            {ready?.map((row) => (
              <li key={row.orderId}>
                <ProductionCard row={row} />
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

function refusalText(t: TFunction, error: Error): string {
  const status = error instanceof ApiError && error.status === 409 ? error.details?.status : undefined;
  const now = typeof status === 'string' ? ` ${t('production.stateNow', { status })}` : '';
  return t('production.refused', { message: error.message }) + now;
}

function ProductionCard({ row }: { row: OrderRow }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const orderId = row.orderId;
  const reference = row.reference ?? orderId.slice(0, 8);
  // The list has no items or card: the florist's view of the order has both.
  const detail = useQuery({
    queryKey: ['orders', orderId],
    queryFn: () => data(api.orders.GET('/orders/{orderId}', { params: { path: { orderId } } })),
  });
  const order = detail.data;
  const status = order?.status ?? row.status;
  const refresh = () =>
    client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'production' || (q.queryKey[0] === 'orders' && q.queryKey[1] === orderId) });

  const step = useMutation({
    mutationFn: (which: 'start' | 'finish') => {
      const options = { params: { path: { orderId }, header: { 'Idempotency-Key': idempotencyKey() } }, body: {} };
      return data(
        which === 'start' ? api.orders.POST('/orders/{orderId}/production/start', options) : api.orders.POST('/orders/{orderId}/production/finish', options),
      );
    },
    onSuccess: (view) => client.setQueryData(['orders', orderId], view),
    onSettled: refresh,
  });

  const [justAttached, setJustAttached] = useState<string[]>([]);
  const photo = useMutation({
    mutationFn: async (file: File) => {
      // The photo is stored once, by messaging (judged by its bytes, stripped of its location for
      // everyone but staff), as the finished arrangement the buyer is shown; the order records its
      // attachment id as the arrangement's photo.
      const form = new FormData();
      form.append('purpose', 'arrangement');
      form.append('file', file);
      const attachment = await data(
        api.messaging.POST('/orders/{orderId}/attachments', {
          params: { path: { orderId } },
          body: form as unknown as { purpose: 'arrangement'; file: Blob },
          bodySerializer: (body) => body as unknown as FormData,
        }),
      );
      await data(
        api.orders.POST('/orders/{orderId}/production/photos', {
          params: { path: { orderId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: { photoRef: attachment.attachmentId },
        }),
      );
      return attachment.attachmentId;
    },
    onSuccess: (attachmentId) => setJustAttached((ids) => [...ids, attachmentId]),
    onSettled: refresh,
  });

  const photos = [...new Set([...(order?.arrangementPhotos ?? []), ...justAttached])];
  const canPhoto = status === 'in_production' || status === 'ready';
  const busy = step.isPending || photo.isPending;
  const error = step.error ?? photo.error;
  const card = order?.cardMessage;
  const recipientName = order?.recipient && order.recipient !== 'erased' ? order.recipient.name : row.recipientName;

  return (
    <article className="card production-card" data-order-id={orderId} data-status={status} aria-labelledby={`production-${orderId}`}>
      <header className="production-head">
        <h3 id={`production-${orderId}`}>
          <Link to={`/orders/${orderId}`}>{reference}</Link>
        </h3>
        <span className={`badge production-status-${status}`} data-status={status}>
          {t(`production.status.${status}`, { defaultValue: status })}
        </span>
      </header>
      <p className="production-when">
        <span>
          {t('production.window')} {format.window(row.deliveryWindow)}
        </span>
        {row.deadline && <strong className="production-deadline">{t('production.deadline', { time: format.dateTime(row.deadline) })}</strong>}
      </p>
      {recipientName && recipientName !== 'erased' && <p>{t('production.recipient', { name: recipientName })}</p>}

      <h4>{t('production.items')}</h4>
      {detail.isPending && <p role="status">{t('common.loading')}</p>}
      <ApiProblem error={detail.error} />
      {order && (
        <ul className="production-items">
          {order.items.map((item) => (
            <li key={item.sku}>
              <span className="production-qty">{item.quantity} ×</span> {item.name}
            </li>
          ))}
        </ul>
      )}

      <h4>{t('production.card')}</h4>
      {card === 'erased' ? (
        <p className="muted">{t('production.cardErased')}</p>
      ) : card ? (
        <blockquote className="production-card-text">{card}</blockquote>
      ) : (
        order && <p className="muted">{t('production.noCard')}</p>
      )}
      {card && card !== 'erased' && (
        <p>
          <Link className="production-print" to={`/print?orders=${encodeURIComponent(orderId)}`} aria-label={t('production.printCardFor', { reference })}>
            {t('production.printCard')}
          </Link>
        </p>
      )}
      {order?.pickupCode && <p className="muted">{t('production.pickupCode', { code: order.pickupCode })}</p>}

      <h4>{t('production.photos')}</h4>
      {photos.length > 0 ? (
        <ul className="production-photos">
          {photos.map((ref) => (
            <li key={ref}>
              {isAttachmentId(ref) ? (
                <AttachmentThumbnail attachmentId={ref} alt={t('production.photoAlt', { reference })} className="production-thumb" />
              ) : (
                <span className="muted">{ref}</span>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{canPhoto ? t('production.noPhoto') : t('production.photoAfterStart')}</p>
      )}

      <div className="production-actions">
        {status === 'accepted' && (
          <button type="button" className="primary" disabled={busy} onClick={() => step.mutate('start')} aria-label={t('production.startFor', { reference })}>
            {step.isPending ? t('production.working') : t('production.start')}
          </button>
        )}
        {canPhoto && (
          <label className={`production-photo-input${busy ? ' is-busy' : ''}`}>
            <span aria-hidden="true">{photo.isPending ? t('production.uploading') : t('production.addPhoto')}</span>
            <input
              type="file"
              accept="image/*"
              capture="environment"
              disabled={busy}
              aria-label={t('production.addPhotoFor', { reference })}
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (file) photo.mutate(file);
              }}
            />
          </label>
        )}
        {status === 'in_production' && (
          <button type="button" className="primary" disabled={busy} onClick={() => step.mutate('finish')} aria-label={t('production.finishFor', { reference })}>
            {step.isPending ? t('production.working') : t('production.finish')}
          </button>
        )}
      </div>
      {photo.isPending && <p role="status">{t('production.uploading')}</p>}
      {error && (
        <p role="alert" className="problem">
          {refusalText(t, error)}
        </p>
      )}
    </article>
  );
}
