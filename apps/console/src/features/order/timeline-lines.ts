import type { TFunction } from 'i18next';
import type { People } from './people';

interface Formatters {
  dateTime: (iso?: string) => string;
  window: (w?: { from: string; to: string }) => string;
}

type EventData = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * One plain sentence per event of the order's history, in the reader's language. An event type
 * this console does not know yet is shown by its name, so nothing in the audit is hidden.
 */
export function describeEvent(type: string, raw: unknown, t: TFunction, format: Formatters, people: People): string {
  const data = (typeof raw === 'object' && raw !== null ? raw : {}) as EventData;
  const rider = people.rider(text(data.riderId));
  const window = format.window(data.deliveryWindow as { from: string; to: string } | undefined);
  switch (type) {
    case 'OrderPlaced':
      return t('order.event.OrderPlaced', { window });
    case 'OrderAccepted':
      return t('order.event.OrderAccepted');
    case 'OrderRejected':
      return t('order.event.OrderRejected', { reason: text(data.reason) });
    case 'OrderCancelled':
      return t('order.event.OrderCancelled', { reason: text(data.reason) });
    case 'OrderPaid':
      return t('order.event.OrderPaid');
    case 'ProductionStarted':
      return t('order.event.ProductionStarted');
    case 'ArrangementPhotoAttached':
      return t('order.event.ArrangementPhotoAttached');
    case 'ArrangementFinished':
      return t('order.event.ArrangementFinished');
    case 'RiderAssigned':
      return t('order.event.RiderAssigned', { rider });
    case 'RiderUnassigned':
      return data.reason ? t('order.event.RiderUnassignedBecause', { rider, reason: text(data.reason) }) : t('order.event.RiderUnassigned', { rider });
    case 'OutForDelivery':
      return t('order.event.OutForDelivery', { rider });
    case 'OrderDelivered':
      return t('order.event.OrderDelivered', { outcome: deliveryOutcome(data, t) });
    case 'DeliveryCarded':
      return t('order.event.DeliveryCarded');
    case 'DeliveryReattempted':
      return t('order.event.DeliveryReattempted');
    case 'DeliveryFailed':
      return t('order.event.DeliveryFailed', { reason: failureReason(text(data.reason), t) });
    case 'DeliveryRescheduled':
      return t('order.event.DeliveryRescheduled', { window });
    case 'OrderReturned':
      return t('order.event.OrderReturned');
    case 'DeliveryAddressCorrected':
      return t('order.event.DeliveryAddressCorrected');
    case 'DeliveryWindowChanged':
      return t('order.event.DeliveryWindowChanged', { window });
    case 'OrderExceptionFlagged':
      return t('order.event.OrderExceptionFlagged', { kind: text(data.kind) });
    case 'OrderExceptionCleared':
      return t('order.event.OrderExceptionCleared');
    case 'PersonalDataErased':
      return t('order.event.PersonalDataErased');
    default:
      return t('order.event.unknown', { type });
  }
}

function deliveryOutcome(data: EventData, t: TFunction): string {
  const kind = (data.outcome as { kind?: string } | undefined)?.kind;
  switch (kind) {
    case 'recipient':
      return t('order.outcome.recipient');
    case 'neighbour':
      return t('order.outcome.neighbour', { name: text(data.receivedBy) });
    case 'safe_place':
      return t('order.outcome.safePlace', { place: text((data.outcome as { place?: string }).place) });
    case 'reception':
      return t('order.outcome.reception');
    default:
      return kind ?? '';
  }
}

export function failureReason(reason: string, t: TFunction): string {
  switch (reason) {
    case 'wrong_address':
      return t('order.failure.wrongAddress');
    case 'refused':
      return t('order.failure.refused');
    case 'facility_refuses_flowers':
      return t('order.failure.facilityRefusesFlowers');
    case 'recipient_unavailable':
      return t('order.failure.recipientUnavailable');
    case 'damaged':
      return t('order.failure.damaged');
    case 'access_denied':
      return t('order.failure.accessDenied');
    case 'other':
      return t('order.failure.other');
    default:
      return reason;
  }
}
