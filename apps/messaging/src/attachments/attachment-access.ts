import { canSeeShop, type Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';

export const PURPOSES = ['message', 'proof_of_delivery', 'damage'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** What the rules need to know of an attachment's order. */
export interface OrderScope {
  orderId: string;
  shopId: string;
  /** The rider assigned now, if any. */
  riderId?: string;
}

export const orderNotFound = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
export const attachmentNotFound = () => new DomainError('not_found', 'ATTACHMENT_NOT_FOUND', 'no such attachment');

/** Riders reach an order only while it is assigned to them, as in the orders service. */
const isAssignedRider = (principal: Principal, order: OrderScope) => canSeeShop(principal, order.shopId) && order.riderId === principal.sub;

/** Who may attach a photo to an order: its shop's people, and its rider. */
export function mayUpload(principal: Principal, order: OrderScope): boolean {
  switch (principal.role) {
    case 'operator':
    case 'staff':
    case 'dispatcher':
    case 'florist':
      return canSeeShop(principal, order.shopId);
    case 'rider':
      return isAssignedRider(principal, order);
    default:
      return false;
  }
}

/**
 * Which version of an attachment a caller may see: staff (and operators) the original with its
 * EXIF, other shop roles and the order's rider the clean one, the buyer only the proof of delivery (clean); else none.
 */
export function viewOf(principal: Principal, order: OrderScope, purpose: Purpose): 'original' | 'clean' | undefined {
  switch (principal.role) {
    case 'operator':
      return 'original';
    case 'staff':
      return canSeeShop(principal, order.shopId) ? 'original' : undefined;
    case 'dispatcher':
    case 'florist':
      return canSeeShop(principal, order.shopId) ? 'clean' : undefined;
    case 'rider':
      return isAssignedRider(principal, order) ? 'clean' : undefined;
    case 'customer':
      return principal.orderId === order.orderId && purpose === 'proof_of_delivery' ? 'clean' : undefined;
    default:
      return undefined;
  }
}
