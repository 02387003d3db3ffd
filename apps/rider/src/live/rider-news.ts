import type { Notification } from '@petalpost/web-kit';

/**
 * What a notification means to a rider, for the screens and the shell: the run was replanned, a
 * stop is at risk (or late), an exception of theirs was acknowledged or decided, they were
 * @mentioned, or anything else (which still refreshes what is on screen). Pure, so it is tested.
 */
export type RiderNewsKind = 'replanned' | 'at_risk' | 'exception_acknowledged' | 'exception_resolved' | 'mention' | 'assignment' | 'other';

export interface RiderNews {
  kind: RiderNewsKind;
  notification: Notification;
}

const BY_EVENT: Record<string, RiderNewsKind> = {
  PlanApplied: 'replanned',
  RunReplanned: 'replanned',
  RiderRunReplanned: 'replanned',
  DeliveryAtRisk: 'at_risk',
  DeliveryLate: 'at_risk',
  ExceptionAcknowledged: 'exception_acknowledged',
  ExceptionResolved: 'exception_resolved',
  RiderAssigned: 'assignment',
  RiderUnassigned: 'assignment',
};

export function riderNewsOf(notification: Notification): RiderNews {
  // The person's own inbox carries what @mentions them, and nothing else.
  if (notification.audience.startsWith('person:')) return { kind: 'mention', notification };
  return { kind: BY_EVENT[notification.eventType] ?? 'other', notification };
}
