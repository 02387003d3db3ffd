import { api, data } from '../../api';
import { defineAction } from '../../outbox/outbox';
import type { Position } from '../common/position';

export const OUTCOMES = ['recipient', 'neighbour', 'safe_place', 'reception'] as const;
export type OutcomeKind = (typeof OUTCOMES)[number];
export const FAILURE_REASONS = ['wrong_address', 'refused', 'facility_refuses_flowers', 'recipient_unavailable', 'damaged', 'access_denied', 'other'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface DeliverParams {
  orderId: string;
  outcome: OutcomeKind;
  /** The neighbour's name (required for a neighbour), or who signed at reception. */
  receivedBy?: string;
  /** Where the flowers were left (a safe place). */
  place?: string;
  /** When it was handed over: taken when the rider tapped, not when the network carried it. */
  at: string;
  position?: Position;
}

/** Delivered: the photo (if any) uploaded first as the proof, then the delivery under the action's key. */
export const deliver = defineAction<DeliverParams>('deliver', async (p, { key, photoRefs }) => {
  const [photoRef] = await photoRefs('proof_of_delivery');
  const outcome = p.outcome === 'safe_place' ? { kind: p.outcome, place: p.place ?? '' } : { kind: p.outcome };
  await data(
    api.orders.POST('/orders/{orderId}/delivery', {
      params: { path: { orderId: p.orderId } },
      headers: { 'idempotency-key': key },
      body: {
        outcome,
        proof: { at: p.at, ...(photoRef ? { photoRef } : {}), ...(p.position ? { position: { lat: p.position.lat, lng: p.position.lng } } : {}) },
        ...(p.receivedBy ? { receivedBy: p.receivedBy } : {}),
      },
    }),
  );
});

export interface CardedParams {
  orderId: string;
  note?: string;
}

/** Nobody answered: a card left, with a note and a photo of it if the rider took one. */
export const markCarded = defineAction<CardedParams>('carded', async (p, { key, photoRefs }) => {
  const [photoRef] = await photoRefs('proof_of_delivery');
  await data(
    api.orders.POST('/orders/{orderId}/delivery/carded', {
      params: { path: { orderId: p.orderId } },
      headers: { 'idempotency-key': key },
      body: { ...(p.note ? { note: p.note } : {}), ...(photoRef ? { photoRef } : {}) },
    }),
  );
});

export interface FailedParams {
  orderId: string;
  reason: FailureReason;
  note?: string;
}

export const reportFailed = defineAction<FailedParams>('delivery-failed', async (p, { key }) => {
  await data(
    api.orders.POST('/orders/{orderId}/delivery/failed', {
      params: { path: { orderId: p.orderId } },
      headers: { 'idempotency-key': key },
      body: { reason: p.reason, ...(p.note ? { note: p.note } : {}) },
    }),
  );
});
