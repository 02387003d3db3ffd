import type { TFunction } from 'i18next';
import { memo } from 'react';
import { Link } from 'react-router';
import type { BoardOrder, DeliveryAlert } from './board-data';

/** What a card shows, worked out once per order by the board so the card itself only draws. */
export interface CardModel {
  order: BoardOrder;
  reference?: string;
  recipient: string;
  window: string;
  deadline?: string;
  rider?: string;
  noPoint: boolean;
  alert?: DeliveryAlert;
}

/** One order on the board: a link to its page and what the counter needs at a glance. */
export const OrderCard = memo(function OrderCard({ card, t }: { card: CardModel; t: TFunction }) {
  const { order } = card;
  return (
    <article className="board-card" data-order-id={order.orderId} data-status={order.status} aria-labelledby={`order-${order.orderId}`}>
      <div className="board-card-head">
        <Link id={`order-${order.orderId}`} to={`/orders/${order.orderId}`} className="board-card-ref">
          {card.reference ?? `${t('board.noReference')} · ${order.orderId.slice(0, 8)}`}
        </Link>
        <span className={`badge status status-${order.status}`} data-status={order.status}>
          {t(`board.status.${order.status}`)}
        </span>
      </div>
      <p className="board-card-recipient">{card.recipient}</p>
      <p className="board-card-window">
        <span className="visually-hidden">{t('board.field.window')}: </span>
        {card.window}
        {card.deadline && <span className="board-mark mark-deadline"> · {t('board.deadline', { time: card.deadline })}</span>}
      </p>
      <p className="board-card-meta">
        <span>
          <span className="visually-hidden">{t('board.field.rider')}: </span>
          {card.rider ?? <span className="muted">{t('board.noRider')}</span>}
        </span>
        <span className={order.paid ? 'paid' : 'unpaid'}>{order.paid ? t('board.paid') : t('board.unpaid')}</span>
      </p>
      {(card.noPoint || card.alert || order.openExceptions > 0) && (
        <ul className="board-marks" aria-label={t('board.field.flags')}>
          {card.alert === 'late' && <li className="board-mark mark-late">{t('board.late')}</li>}
          {card.alert === 'atRisk' && <li className="board-mark mark-risk">{t('board.atRisk')}</li>}
          {card.noPoint && <li className="board-mark mark-nopoint">{t('board.noPoint')}</li>}
          {order.openExceptions > 0 && <li className="board-mark mark-exception">{t('board.exceptions', { count: order.openExceptions })}</li>}
        </ul>
      )}
    </article>
  );
});
