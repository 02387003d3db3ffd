import type { Principal } from '@petalpost/auth';
import type { RecipientContact } from '@petalpost/contracts';
import type { Order } from '../domain/order.state';
import type { Opened, OpenedPersonalData } from '../../personal-data/order-personal-data';

/**
 * An order as one reader may see it (docs/orders.md's table): staff and operators see it all;
 * florists what goes into the arrangement and onto the card, never the buyer's contact;
 * dispatchers and riders where and to whom it goes, never who sent it; a customer (the buyer)
 * the progress of their own order. The shop's roles see the pickup code (it goes on the label);
 * riders never do, they read it off the label. Fields a role may not see are absent, not empty.
 */
export function orderViewFor(principal: Principal, order: Order, opened: OpenedPersonalData, version: number) {
  const progress = {
    orderId: order.orderId,
    status: order.status,
    orderType: order.orderType,
    items: order.items,
    deliveryWindow: order.deliveryWindow,
    ...(order.deadline !== undefined ? { deadline: order.deadline } : {}),
    reachedAt: order.reachedAt,
    version,
  };
  const delivery = {
    ...(order.delivery ? { delivery: { ...order.delivery, receivedBy: opened.receivedBy } } : {}),
    ...(order.lastFailedAttempt ? { lastFailedAttempt: order.lastFailedAttempt } : {}),
  };
  const pickupCode = order.pickupCode ? { pickupCode: order.pickupCode } : {};
  const recipientName = (r: Opened<RecipientContact> | undefined) => (r === undefined || r === 'erased' ? r : { name: r.name });
  const whereTo = {
    addressType: order.addressType,
    doNotContactRecipient: order.doNotContactRecipient,
    recipient: opened.recipient,
  };
  // What every desk role (staff, operators, dispatchers) sees first: the order, where it goes and its label.
  const deskView = { ...progress, ...whereTo, ...delivery, ...pickupCode, shopId: order.shopId, reference: order.reference };
  switch (principal.role) {
    case 'operator':
    case 'staff':
      return {
        ...deskView,
        source: order.source,
        anonymousSender: order.anonymousSender,
        buyer: opened.buyer,
        buyerPersonId: order.buyer?.personId,
        recipientPersonId: order.recipient?.personId,
        cardMessage: opened.cardMessage,
        price: order.price,
        paid: order.paid,
        riderId: order.riderId,
        deliverySlot: order.deliverySlot,
        arrangementPhotos: order.arrangementPhotos,
        openExceptions: order.openExceptions,
        closingReason: order.closingReason,
        placedAt: order.placedAt,
        updatedAt: order.updatedAt,
      };
    case 'florist':
      return {
        ...progress,
        ...pickupCode,
        shopId: order.shopId,
        reference: order.reference,
        recipient: recipientName(opened.recipient),
        cardMessage: opened.cardMessage,
        arrangementPhotos: order.arrangementPhotos,
      };
    case 'dispatcher':
      return { ...deskView, riderId: order.riderId, openExceptions: order.openExceptions };
    case 'rider':
      return { ...progress, ...whereTo, ...delivery, shopId: order.shopId, riderId: order.riderId };
    case 'customer':
      // The buyer's own order: the finished arrangement and the proof, never the rider's identity.
      return {
        ...progress,
        ...delivery,
        recipient: recipientName(opened.recipient),
        arrangementPhotos: order.arrangementPhotos,
        price: order.price,
        paid: order.paid,
      };
    default:
      return progress;
  }
}
