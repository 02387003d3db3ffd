import type { AddressType, DeliveryOutcome, DeliveryWindow } from '@petalpost/contracts';
import type { DeliveryFailureReason, DeliveryProof, OrderDetails } from './order.events';
import type { Sealed } from '../../personal-data/domain/personal-data';

/**
 * What people ask of an order, in the imperative. Ids, sealed personal data and time come in with the command.
 * imported: an order taken over from before (an operator's import), whose window may be over already.
 */
export type PlaceOrder = { type: 'PlaceOrder'; orderId: string; shopId: string; pickupCode: string; imported?: boolean; now: string } & OrderDetails;

/**
 * riderId: who is picking up; undefined when staff hand it to the assigned rider.
 * pickupCode: what was read off the label. wrongPickupCodes: wrong codes already entered for this
 * order (the adapter counts them on the order's pickup-attempts stream).
 */
export type PickUp = { type: 'PickUp'; riderId?: string; pickupCode?: string; wrongPickupCodes?: number; now: string };

type At = { now: string };

export type OrderCommand =
  | PlaceOrder
  | ({ type: 'AcceptOrder' } & At)
  | ({ type: 'RejectOrder'; reason: string } & At)
  | ({ type: 'CancelOrder'; reason: string } & At)
  | ({ type: 'MarkPaid' } & At)
  | ({ type: 'StartProduction' } & At)
  | ({ type: 'AttachArrangementPhoto'; photoRef: string } & At)
  | ({ type: 'FinishArrangement' } & At)
  | ({ type: 'AssignRider'; riderId: string } & At)
  | ({ type: 'UnassignRider'; riderId: string; reason?: string } & At)
  | PickUp
  | ({ type: 'Deliver'; outcome: DeliveryOutcome; proof: DeliveryProof; receivedBy?: Sealed } & At)
  | ({ type: 'MarkCarded'; note?: string; photoRef?: string } & At)
  | ({ type: 'ReattemptDelivery' } & At)
  | ({ type: 'ReportDeliveryFailed'; reason: DeliveryFailureReason; note?: string } & At)
  | ({ type: 'RescheduleDelivery'; deliveryWindow: DeliveryWindow; deliverySlot?: string } & At)
  | ({ type: 'ReturnToShop'; note?: string } & At)
  | ({ type: 'CorrectAddress'; addressType: AddressType; recipient: Sealed } & At)
  | ({ type: 'ChangeWindow'; deliveryWindow: DeliveryWindow; deliverySlot?: string } & At)
  | ({ type: 'FlagException'; exceptionId: string; kind: string; note?: string } & At)
  | ({ type: 'ClearException'; exceptionId: string; resolution?: string } & At);

export type OrderCommandType = OrderCommand['type'];
