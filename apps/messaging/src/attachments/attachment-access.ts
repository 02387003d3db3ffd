import { canSeeShop, type Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';

export const PURPOSES = ['message', 'proof_of_delivery', 'damage', 'arrangement'] as const;
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
 * Who may say what a photo is, of those who may attach one: the finished arrangement is shown to
 * the buyer, so only those who make it (florists, staff; orders takes its photo from them alone)
 * and operators label a photo as one. Any uploader may attach the other purposes.
 */
export function mayUploadAs(principal: Principal, purpose: Purpose): boolean {
  if (purpose !== 'arrangement') return true;
  return principal.role === 'florist' || principal.role === 'staff' || principal.role === 'operator';
}

/** What the buyer of an order may see of its photos: the finished arrangement and the proof of delivery (ARCHITECTURE: parties). */
const SHOWN_TO_BUYER: ReadonlySet<Purpose> = new Set(['arrangement', 'proof_of_delivery']);

/**
 * Which version of an attachment a caller may see: staff (and operators) the original with its
 * EXIF, other shop roles and the order's rider the clean one (the rider checks the arrangement they
 * pick up against its photo), the buyer only the finished arrangement and the proof of delivery
 * (clean); else none.
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
      return principal.orderId === order.orderId && SHOWN_TO_BUYER.has(purpose) ? 'clean' : undefined;
    default:
      return undefined;
  }
}
