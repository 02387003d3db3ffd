import { toString as qrSvg } from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../format';
import { RecipientPhone } from '../../ui/recipient-phone';
import { orderTitle } from '../order/labels';
import type { OrderView } from '../order/order-api';

/**
 * The pickup code as a QR for the rider's phone: the rider's app reads it and sends it back as
 * `pickupCode` (POST /orders/{id}/pickup), so the code alone is encoded, as printed beside it.
 */
function usePickupQr(code: string | undefined): string | undefined {
  const [src, setSrc] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!code) return;
    let current = true;
    void qrSvg(code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((svg) => {
      if (current) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      current = false;
    };
  }, [code]);
  return code ? src : undefined;
}

type FullRecipient = Extract<OrderView['recipient'], { address: unknown }>;

/** A delivery label: where, when, for whom, and the code the rider scans at the counter. */
export function DeliveryLabel({ order, shopName }: { order: OrderView; shopName?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const qr = usePickupQr(order.pickupCode);
  const recipient = order.recipient;
  // Florists read the recipient's name only: the label then carries what their role may see.
  const full = recipient && recipient !== 'erased' && 'address' in recipient ? (recipient as FullRecipient) : undefined;
  const address = full?.address;
  const phone = order.doNotContactRecipient ? undefined : full;

  return (
    <article className="sheet label-sheet" data-order-id={order.orderId} aria-label={t('print.labelOf', { reference: orderTitle(order) })}>
      <header className="label-head">
        <span className="label-reference">{orderTitle(order)}</span>
        {shopName && <span className="label-shop">{shopName}</span>}
      </header>
      <section className="label-window">
        <span className="label-caption">{t('print.window')}</span>
        <strong>{format.window(order.deliveryWindow)}</strong>
        {order.deadline && <span className="label-deadline">{t('print.deadline', { deadline: format.dateTime(order.deadline) })}</span>}
      </section>
      <section className="label-to">
        <span className="label-caption">{t('print.to')}</span>
        <strong className="label-name">{recipient === 'erased' ? t('print.erased') : (recipient?.name ?? '')}</strong>
        {address && (
          <>
            <span className="label-address">{address.text}</span>
            {(address.ward || address.room) && (
              <span>
                {[address.ward && t('print.ward', { ward: address.ward }), address.room && t('print.room', { room: address.room })].filter(Boolean).join(' · ')}
              </span>
            )}
            {address.notes && <span className="label-notes">{address.notes}</span>}
          </>
        )}
        {phone?.phone && (
          <span className="label-phone">
            {t('print.phone')} <RecipientPhone recipient={phone} />
          </span>
        )}
        {order.doNotContactRecipient && <span className="label-surprise">{t('print.doNotContact')}</span>}
      </section>
      <footer className="label-foot">
        {qr ? (
          <img className="label-qr" src={qr} alt={t('print.qrAlt', { code: order.pickupCode })} />
        ) : (
          <span className="label-noqr">{t('print.noPickupCode')}</span>
        )}
        <div className="label-code">
          {order.pickupCode && (
            <>
              <span className="label-caption">{t('print.pickupCode')}</span>
              <strong>{order.pickupCode}</strong>
            </>
          )}
          <span className="label-items">{t('print.items', { count: order.items.reduce((n, i) => n + i.quantity, 0) })}</span>
        </div>
      </footer>
    </article>
  );
}

/** The card that goes with the flowers: the message alone, as the buyer wrote it. */
export function CardSheet({ order }: { order: OrderView }) {
  const { t } = useTranslation();
  if (typeof order.cardMessage !== 'string' || order.cardMessage === 'erased' || order.cardMessage.trim() === '') return null;
  return (
    <article className="sheet card-sheet" data-order-id={order.orderId} aria-label={t('print.cardOf', { reference: orderTitle(order) })}>
      <p className="card-text">{order.cardMessage}</p>
    </article>
  );
}
