import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type ReadablePhone, useRecipientPhone } from '@petalpost/web-kit';
import { dismiss, useOutbox } from '../../outbox/outbox';
import { DeliveryPanel } from '../delivery/delivery-panel';
import { ExceptionForm } from '../exceptions/exception-form';
import { PickupPanel } from '../pickup/pickup-panel';
import { useShopFormat } from '../common/format';
import { fullRecipient, isOpen, type OrderView, useOrder } from '../common/orders';
import { Problem } from '../common/problem';
import { mapRegionOf, useShop } from '../common/shop';
import { useRun } from '../run/run-data';
import { mapLinks } from './map-links';
import '../common/controls.css';
import './stop.css';

/** One stop: who, where, how to get there, and what the rider can do now. */
export function StopPage() {
  const { orderId = '' } = useParams();
  const { t } = useTranslation();
  const order = useOrder(orderId);
  return (
    <section className="stop-page">
      <Link to="/" className="back">
        {t('shared.back')}
      </Link>
      {order.isPending && <p role="status">{t('common.loading')}</p>}
      <Problem error={order.error} words={{ ORDER_NOT_FOUND: t('stop.notYours') }} />
      {order.data && <Stop key={order.data.orderId} order={order.data} />}
    </section>
  );
}

function Stop({ order }: { order: OrderView }) {
  const { t } = useTranslation();
  const format = useShopFormat();
  const shop = useShop();
  const run = useRun();
  const planned = run.data?.stops.find((s) => s.orderId === order.orderId);
  const recipient = fullRecipient(order);
  const name = order.recipient === 'erased' ? t('stop.erased') : (order.recipient?.name ?? order.reference ?? '');
  const address = recipient?.address;
  const [reporting, setReporting] = useState(false);
  const [sent, setSent] = useState<string>();
  const entries = useOutbox().filter((e) => e.orderId === order.orderId);
  const phone = useRecipientPhone(recipient);
  const readable = (p: ReadablePhone) => (p.extension ? t('stop.extension', { number: p.number, extension: p.extension }) : p.number);

  return (
    <>
      <h1>{name}</h1>
      <p className="stop-facts">
        <span className={`status status-${order.status}`}>{t(`shared.status.${order.status}`)}</span>
        <span>{t('run.window', { window: format.window(order.deliveryWindow) })}</span>
        {planned?.eta && <span>{t('run.eta', { eta: format.time(planned.eta) })}</span>}
        {planned && planned.risk !== 'on_time' && <span className={`tag tag-${planned.risk}`}>{t(`run.risk.${planned.risk}`)}</span>}
      </p>

      {entries.length > 0 && (
        <section className="outbox-entries" aria-labelledby="stop-outbox-title">
          <h2 id="stop-outbox-title">{t('stop.outbox')}</h2>
          <ul>
            {entries.map((e) => (
              <li key={e.id} className={`outbox-entry ${e.state}`}>
                <span>{t(`stop.actions.${e.kind as 'deliver'}`, { defaultValue: e.kind })}</span>{' '}
                {e.state === 'refused' ? (
                  <>
                    <strong role="alert">{t('stop.refused', { message: `${e.refusal?.message ?? ''} (${e.refusal?.code ?? ''})` })}</strong>
                    <button type="button" onClick={() => dismiss(e.id)}>
                      {t('stop.dismiss')}
                    </button>
                  </>
                ) : (
                  <span>{t('stop.waiting')}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {sent && (
        <p role="status" className="sent">
          {sent}
        </p>
      )}

      <section aria-labelledby="contact-title" className="panel">
        <h2 id="contact-title">{t('stop.contact')}</h2>
        {order.doNotContactRecipient ? (
          <>
            <p className="do-not-contact">{t('stop.doNotContact')}</p>
            <Link className="button secondary" to={`/chat/${order.orderId}`}>
              {t('stop.askShop')}
            </Link>
          </>
        ) : phone?.state === 'callable' ? (
          <>
            <a className="button primary" href={phone.href}>
              {t('stop.call', { name: recipient?.name, phone: readable(phone.readable) })}
            </a>
            {phone.validUntil && <p className="privacy-number">{t('stop.privacyNumber', { time: format.time(phone.validUntil) })}</p>}
          </>
        ) : phone?.state === 'expired' ? (
          // A privacy number past its time reaches nobody: the shop can reach the recipient through the platform.
          <>
            <p className="phone-expired" role="status">
              <strong>{t('stop.phoneExpired')}</strong> {t('stop.phoneExpiredWas', { phone: readable(phone.readable), time: format.time(phone.expiredAt) })}
            </p>
            <Link className="button secondary" to={`/chat/${order.orderId}`}>
              {t('stop.askShop')}
            </Link>
          </>
        ) : (
          <p>{t('stop.noPhone')}</p>
        )}
      </section>

      {address && (
        <section aria-labelledby="address-title" className="panel">
          <h2 id="address-title">{t('stop.address')}</h2>
          <p className="address-text">{address.text}</p>
          {(address.ward || address.room) && (
            <p className="address-extra">
              {[address.ward && t('stop.ward', { ward: address.ward }), address.room && t('stop.room', { room: address.room })].filter(Boolean).join(' · ')}
            </p>
          )}
          {address.notes && <p className="address-notes">{t('stop.notes', { notes: address.notes })}</p>}
          {address.geo && (
            <ul className="map-links" aria-label={t('stop.navigate')}>
              {mapLinks(address.geo, name, mapRegionOf(shop?.shopTimeZone)).map((link) => (
                <li key={link.app}>
                  <a className="button secondary" href={link.href} rel="noopener">
                    {t(`stop.maps.${link.app}`)}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {order.status === 'ready' && <PickupPanel orderId={order.orderId} />}
      {order.status === 'out_for_delivery' && !entries.some((e) => e.kind !== 'report-exception' && e.kind !== 'send-message' && e.state !== 'refused') && (
        <DeliveryPanel orderId={order.orderId} onDone={() => setSent(t('shared.queued'))} />
      )}

      {isOpen(order.status) &&
        (reporting ? (
          <ExceptionForm
            orderId={order.orderId}
            onDone={() => {
              setReporting(false);
              setSent(t('shared.queued'));
            }}
          />
        ) : (
          <button type="button" className="secondary wide" onClick={() => setReporting(true)}>
            {t('exceptions.report')}
          </button>
        ))}
      <Link className="button secondary wide" to={`/chat/${order.orderId}`}>
        {t('stop.chat')}
      </Link>
    </>
  );
}
