import type { TFunction } from 'i18next';
import type { Channel, OrderView } from './order-api';

/** How an order is named to people: the shop's reference, else the start of its id. */
export const orderTitle = (o: Pick<OrderView, 'reference' | 'orderId'>): string => o.reference ?? o.orderId.slice(0, 8);

// Words for the values the APIs answer with, each listed so the key check sees every key.

export function roleLabel(role: string, t: TFunction): string {
  switch (role) {
    case 'staff':
      return t('common.role.staff');
    case 'florist':
      return t('common.role.florist');
    case 'dispatcher':
      return t('common.role.dispatcher');
    case 'rider':
      return t('common.role.rider');
    case 'operator':
      return t('common.role.operator');
    case 'customer':
      return t('order.customer');
    default:
      return role;
  }
}

export function statusLabel(status: OrderView['status'], t: TFunction): string {
  switch (status) {
    case 'placed':
      return t('order.status.placed');
    case 'accepted':
      return t('order.status.accepted');
    case 'rejected':
      return t('order.status.rejected');
    case 'in_production':
      return t('order.status.inProduction');
    case 'ready':
      return t('order.status.ready');
    case 'out_for_delivery':
      return t('order.status.outForDelivery');
    case 'delivered':
      return t('order.status.delivered');
    case 'carded':
      return t('order.status.carded');
    case 'delivery_failed':
      return t('order.status.deliveryFailed');
    case 'returned':
      return t('order.status.returned');
    case 'cancelled':
      return t('order.status.cancelled');
    default:
      return status;
  }
}

export function addressTypeLabel(type: string, t: TFunction): string {
  switch (type) {
    case 'residence':
      return t('order.addressType.residence');
    case 'business':
      return t('order.addressType.business');
    case 'hospital':
      return t('order.addressType.hospital');
    case 'school':
      return t('order.addressType.school');
    case 'funeral_home':
      return t('order.addressType.funeralHome');
    default:
      return type;
  }
}

export function availabilityLabel(availability: string, t: TFunction): string {
  switch (availability) {
    case 'on_shift':
      return t('order.availability.onShift');
    case 'on_break':
      return t('order.availability.onBreak');
    default:
      return t('order.availability.off');
  }
}

export function channelName(channel: Channel, t: TFunction): string {
  return channel === 'internal' ? t('order.chat.internal') : t('order.chat.customer');
}
