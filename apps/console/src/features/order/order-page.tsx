import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api';
import { useFormat } from '../../format';
import { useSession } from '../../session/session';
import { RecipientPhone } from '../../ui/recipient-phone';
import { addressTypeLabel, orderTitle } from './labels';
import { OrderActionsPanel } from './order-actions-panel';
import { useOrder, type OrderView } from './order-api';
import { OrderConversations } from './order-conversations';
import { OrderTimeline } from './order-timeline';
import { usePeople, type People } from './people';
import { StatusBadge } from './status-badge';
import './order-page.css';

/**
 * One order for the shop: what it is, where it goes, what happened to it (the audit trail), the
 * two conversations, and the steps its status allows. Each part shows what the API gives the
 * reader's role; the live stream refreshes them all.
 */
export default function OrderPage() {
  const { t } = useTranslation();
  const { orderId = '' } = useParams();
  const session = useSession();
  const order = useOrder(orderId);
  const role = session?.role ?? 'staff';
  const people = usePeople(order.data?.shopId ?? session?.shopId, role === 'staff' || role === 'dispatcher');

  if (order.isPending) return <p role="status">{t('common.loading')}</p>;
  if (order.error) {
    const notFound = order.error instanceof ApiError && order.error.status === 404;
    return (
      <>
        <h1>{t('order.title')}</h1>
        <p role="alert" className="problem">
          {notFound ? t('common.notFound') : t('common.error', { message: order.error.message })}
        </p>
        <Link to="/orders">{t('order.backToBoard')}</Link>
      </>
    );
  }

  const o = order.data;
  return (
    <div className="order-page stack" data-order-id={o.orderId}>
      <OrderHeader order={o} people={people} />
      <div className="order-columns">
        <div className="stack">
          <OrderDetails order={o} />
          {session && <OrderActionsPanel order={o} role={role} people={people} />}
          <OrderTimeline orderId={o.orderId} people={people} />
        </div>
        <div className="stack">{session && <OrderConversations orderId={o.orderId} people={people} myId={session.personId} />}</div>
      </div>
    </div>
  );
}

function OrderHeader({ order, people }: { order: OrderView; people: People }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <header className="card order-header">
      <div className="row title-row">
        <h1>{t('order.heading', { reference: orderTitle(order) })}</h1>
        <StatusBadge status={order.status} />
        <Link className="print-link" to={`/print?orders=${encodeURIComponent(order.orderId)}`}>
          {t('order.printLabel')}
        </Link>
      </div>
      <dl className="facts">
        <div>
          <dt>{t('order.window')}</dt>
          <dd>
            {format.window(order.deliveryWindow)} <span className="muted">({format.timeZone})</span>
          </dd>
        </div>
        {order.deadline && (
          <div>
            <dt>{t('order.deadline')}</dt>
            <dd className="deadline">{format.dateTime(order.deadline)}</dd>
          </div>
        )}
        {order.paid !== undefined && (
          <div>
            <dt>{t('order.payment')}</dt>
            <dd data-paid={order.paid}>
              {order.paid ? t('order.paid') : t('order.unpaid')}
              {order.price && <> · {format.money(order.price)}</>}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('order.rider')}</dt>
          <dd>{order.riderId ? people.rider(order.riderId) : t('order.noRider')}</dd>
        </div>
        {order.pickupCode && (
          <div>
            <dt>{t('order.pickupCode')}</dt>
            <dd className="code">{order.pickupCode}</dd>
          </div>
        )}
      </dl>
      {order.openExceptions && order.openExceptions.length > 0 && (
        <div className="exceptions" role="note">
          <strong>{t('order.openExceptions')}</strong>
          <ul>
            {order.openExceptions.map((e) => (
              <li key={e.exceptionId}>
                {e.kind}
                {e.note && <> — {e.note}</>} <span className="muted">({format.dateTime(e.flaggedAt)})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </header>
  );
}

function OrderDetails({ order }: { order: OrderView }) {
  const { t } = useTranslation();
  const recipient = order.recipient;
  const address = recipient && recipient !== 'erased' && 'address' in recipient ? recipient.address : undefined;
  return (
    <section className="card order-details" aria-labelledby="details-title">
      <h2 id="details-title">{t('order.details')}</h2>
      <dl className="facts">
        {recipient !== undefined && (
          <div>
            <dt>{t('order.recipient.title')}</dt>
            <dd>
              {recipient === 'erased' ? (
                t('order.erased')
              ) : (
                <>
                  {recipient.name}
                  {'phone' in recipient && recipient.phone && (
                    <>
                      {' · '}
                      <RecipientPhone recipient={recipient} />
                    </>
                  )}
                  {order.doNotContactRecipient && <span className="badge warn"> {t('order.doNotContact')}</span>}
                </>
              )}
            </dd>
          </div>
        )}
        {address && (
          <div>
            <dt>{t('order.recipient.address')}</dt>
            <dd>
              <span className="address">{address.text}</span>
              {order.addressType && <span className="muted"> · {addressTypeLabel(order.addressType, t)}</span>}
              {(address.ward || address.room) && (
                <div>
                  {[address.ward && t('order.wardIs', { ward: address.ward }), address.room && t('order.roomIs', { room: address.room })]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              )}
              {address.notes && <div className="muted">{address.notes}</div>}
              <div data-geo={address.geo ? 'yes' : 'no'}>
                {address.geo ? (
                  <span className="ok">{t('order.hasPoint', { latitude: address.geo.lat.toFixed(5), longitude: address.geo.lng.toFixed(5) })}</span>
                ) : (
                  <span className="badge warn">{t('order.noPoint')}</span>
                )}
              </div>
            </dd>
          </div>
        )}
        {order.buyer !== undefined && (
          <div>
            <dt>{t('order.buyer')}</dt>
            <dd>
              {order.buyer === 'erased' ? (
                t('order.erased')
              ) : (
                <>
                  {order.buyer.name}
                  {order.buyer.phone && <> · {order.buyer.phone}</>}
                  {order.buyer.email && <> · {order.buyer.email}</>}
                </>
              )}
              {order.anonymousSender && <span className="badge"> {t('order.anonymous')}</span>}
            </dd>
          </div>
        )}
        {order.cardMessage !== undefined && (
          <div>
            <dt>{t('order.cardMessage')}</dt>
            <dd className="card-message">{order.cardMessage === 'erased' ? t('order.erased') : order.cardMessage}</dd>
          </div>
        )}
        <div>
          <dt>{t('order.items')}</dt>
          <dd>
            <ul className="items">
              {order.items.map((item) => (
                <li key={item.sku}>
                  {t('order.itemLine', { quantity: item.quantity, name: item.name })} <span className="muted">({item.sku})</span>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
    </section>
  );
}
