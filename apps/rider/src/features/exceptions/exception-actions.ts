import { api, data } from '../../api';
import { defineAction } from '../../outbox/outbox';
import type { Position } from '../common/position';

export const EXCEPTION_TYPES = [
  'address_not_found',
  'recipient_absent',
  'recipient_refused',
  'bouquet_damaged',
  'vehicle_broken',
  'running_late',
  'other',
] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

export interface ReportParams {
  orderId: string;
  type: ExceptionType;
  /** The note, or for `other` the text that says what happened. */
  note?: string;
  suggestedAddress?: string;
  minutesLate?: number;
  /** Where the rider was when they reported. */
  position: Position;
  reportedAt: string;
}

function detailsOf(p: ReportParams, photoRef: string | undefined) {
  const note = p.note?.trim() ? { note: p.note.trim() } : {};
  switch (p.type) {
    case 'bouquet_damaged':
      return { type: p.type, photoRef: photoRef ?? '', ...note };
    case 'running_late':
      return { type: p.type, minutesLate: p.minutesLate ?? 15, ...note };
    case 'address_not_found':
      return { type: p.type, ...(p.suggestedAddress?.trim() ? { suggestedAddress: p.suggestedAddress.trim() } : {}), ...note };
    case 'other':
      return { type: p.type, text: p.note?.trim() ?? '' };
    default:
      return { type: p.type, ...note };
  }
}

/**
 * An exception report: straight to the shop's staff as an alert. A damaged bouquet's photo is
 * the report's own (uploaded as a damage photo); any other report's photo is shown to the shop
 * in the order's internal channel beside it, since only a damage report carries one.
 */
export const reportException = defineAction<ReportParams>('report-exception', async (p, { key, photoRefs }) => {
  const damaged = p.type === 'bouquet_damaged';
  const refs = await photoRefs(damaged ? 'damage' : 'message');
  await data(
    api.messaging.POST('/orders/{orderId}/exceptions', {
      params: { path: { orderId: p.orderId } },
      headers: { 'idempotency-key': key },
      body: {
        details: detailsOf(p, refs[0]) as never,
        position: { lat: p.position.lat, lng: p.position.lng, ...(p.position.accuracy !== undefined ? { accuracy: p.position.accuracy } : {}) },
      },
    }),
  );
  if (!damaged && refs.length > 0) {
    await data(
      api.messaging.POST('/conversations/{orderId}/channels/{channel}/messages', {
        params: { path: { orderId: p.orderId, channel: 'internal' } },
        headers: { 'idempotency-key': `${key}.photo` },
        body: { text: `📷 ${p.type}`, attachmentRefs: refs },
      }),
    );
  }
});
