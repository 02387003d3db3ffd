import { z } from 'zod';
import { defineEvent, type EventContract } from './integration-event';
import { GeoPointSchema, PhotoRefSchema } from './orders';
import { RoleSchema } from './roles';

/**
 * Exception reports: what went wrong on the road, as a rider or the shop reports it, and how it
 * ended. Their events travel on `messaging.events` (keyed by order id, stream `exception-<id>`);
 * each type has one schema per version (docs/messaging.md, "Exception reports").
 */

const time = z.iso.datetime({ offset: true });
const note = z.string().min(1).max(2000);

/** What happened, with what each kind needs to be acted upon. */
export const ExceptionDetailsSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('vehicle_broken'), note: note.optional() }),
  z.strictObject({
    type: z.literal('address_not_found'),
    suggestedAddress: z.string().min(1).max(500).optional().describe('Where the rider thinks the flowers should go'),
    note: note.optional(),
  }),
  z.strictObject({ type: z.literal('recipient_absent'), note: note.optional() }),
  z.strictObject({ type: z.literal('recipient_refused'), note: note.optional() }),
  z.strictObject({ type: z.literal('bouquet_damaged'), photoRef: PhotoRefSchema.describe('A photo of the damage'), note: note.optional() }),
  z.strictObject({
    type: z.literal('running_late'),
    minutesLate: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    note: note.optional(),
  }),
  z.strictObject({ type: z.literal('other'), text: z.string().min(1).max(2000) }),
]);
export type ExceptionDetails = z.infer<typeof ExceptionDetailsSchema>;

export const EXCEPTION_TYPES = [
  'vehicle_broken',
  'address_not_found',
  'recipient_absent',
  'recipient_refused',
  'bouquet_damaged',
  'running_late',
  'other',
] as const;
export const ExceptionTypeSchema = z.enum(EXCEPTION_TYPES);
export type ExceptionType = z.infer<typeof ExceptionTypeSchema>;

export const EXCEPTION_STATUSES = ['reported', 'acknowledged', 'resolved'] as const;
export const ExceptionStatusSchema = z.enum(EXCEPTION_STATUSES);
export type ExceptionStatus = z.infer<typeof ExceptionStatusSchema>;

export const EXCEPTION_OUTCOMES = ['redelivered', 'address_corrected', 'new_bouquet_made', 'refunded', 'returned_to_shop'] as const;
export const ExceptionOutcomeSchema = z.enum(EXCEPTION_OUTCOMES);
export type ExceptionOutcome = z.infer<typeof ExceptionOutcomeSchema>;

/** Where the reporter was when reporting. */
export const ReporterPositionSchema = GeoPointSchema.extend({
  accuracy: z.number().min(0).max(100_000).optional().describe('Metres, as the device reported it'),
});
export type ReporterPosition = z.infer<typeof ReporterPositionSchema>;

const PersonRefSchema = z.object({ role: RoleSchema, subject: z.string().min(1) });

const exceptionRef = { exceptionId: z.string().min(1), orderId: z.string().min(1), shopId: z.string().min(1) };

export const ExceptionReportedV1 = defineEvent(
  'ExceptionReported',
  1,
  z.object({
    ...exceptionRef,
    details: ExceptionDetailsSchema,
    position: ReporterPositionSchema,
    /** The rider assigned to the order when it was reported (dispatch reassigns on vehicle_broken). */
    riderId: z.string().min(1).optional(),
    reportedBy: PersonRefSchema,
    reportedAt: time,
  }),
);
export const ExceptionAcknowledgedV1 = defineEvent(
  'ExceptionAcknowledged',
  1,
  z.object({
    ...exceptionRef,
    /** The rider the report named, so their app hears the shop took it up (absent on events before it was added, and when the report named none). */
    riderId: z.string().min(1).optional(),
    acknowledgedBy: PersonRefSchema,
    acknowledgedAt: time,
  }),
);
export const ExceptionResolvedV1 = defineEvent(
  'ExceptionResolved',
  1,
  z.object({
    ...exceptionRef,
    /** The rider the report named, so their app hears what the shop decided (absent on events before it was added, and when the report named none). */
    riderId: z.string().min(1).optional(),
    outcome: ExceptionOutcomeSchema,
    note: note.optional(),
    resolvedBy: PersonRefSchema,
    resolvedAt: time,
  }),
);
/** Nobody acknowledged the report in time: the shop's staff and the operators must be told. */
export const ExceptionEscalatedV1 = defineEvent(
  'ExceptionEscalated',
  1,
  z.object({ ...exceptionRef, exceptionType: ExceptionTypeSchema, reportedAt: time, unacknowledgedSeconds: z.number().int().min(0), escalatedAt: time }),
);

export const EXCEPTION_EVENT_CONTRACTS = [
  ExceptionReportedV1,
  ExceptionAcknowledgedV1,
  ExceptionResolvedV1,
  ExceptionEscalatedV1,
] as const satisfies readonly EventContract[];

type ContractOf<C> = C extends EventContract<infer T, infer S> ? { type: T; data: z.infer<S> } : never;
export type ExceptionEvent = ContractOf<(typeof EXCEPTION_EVENT_CONTRACTS)[number]>;
export type ExceptionEventType = ExceptionEvent['type'];

/** One stream per report. */
export function exceptionStream(exceptionId: string): string {
  return `exception-${exceptionId}`;
}
