import {
  ExceptionDetailsSchema,
  ExceptionOutcomeSchema,
  ExceptionStatusSchema,
  ExceptionTypeSchema,
  ReporterPositionSchema,
  RoleSchema,
} from '@petalpost/contracts';
import { createZodDto, ianaTimeZone } from '@petalpost/platform';
import { z } from 'zod';

/** Bodies and answers of the exception reports API. Unknown fields are refused (strict objects). */

// PostgreSQL has no year 0, which ISO 8601 (and so zod) allows.
const time = z.iso.datetime({ offset: true }).refine((t) => !t.startsWith('0000'), 'year 0 does not exist');

export class ReportExceptionBody extends createZodDto(
  z
    .strictObject({
      details: ExceptionDetailsSchema.describe(
        'What happened. vehicle_broken, recipient_absent, recipient_refused: an optional note; address_not_found: an optional suggestedAddress; ' +
          'bouquet_damaged: photoRef required, the attachmentId of a photo you uploaded to this order with purpose damage; running_late: minutesLate required; other: text required',
      ),
      position: ReporterPositionSchema.strict().describe('Where the reporter is now'),
    })
    .meta({
      example: {
        details: { type: 'address_not_found', suggestedAddress: 'Lindenlaan 5, Utrecht', note: 'No number 3 in this street' },
        position: { lat: 52.0907, lng: 5.1214, accuracy: 12 },
      },
    }),
) {}

export class ResolveExceptionBody extends createZodDto(
  z
    .strictObject({ outcome: ExceptionOutcomeSchema, note: z.string().min(1).max(2000).optional() })
    .meta({ example: { outcome: 'address_corrected', note: 'Recipient lives at number 5; rider redirected' } }),
) {}

export class ListExceptionsQuery extends createZodDto(
  z.strictObject({
    shopId: z.string().min(1).max(64).optional().describe('Operators: one shop (default: every shop). Everyone else sees their own shop only'),
    status: ExceptionStatusSchema.optional(),
    type: ExceptionTypeSchema.optional(),
    from: time.optional().describe("Reports made at or after this time (a rider's app asks for today's: its local midnight)"),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
) {}

export class AnalyticsQuery extends createZodDto(
  z
    .strictObject({
      shopId: z.string().min(1).max(64).optional().describe('Operators: the shop to analyse (default: every shop). Staff: their own shop only'),
      from: time.describe('Reports made at or after this time'),
      to: time.describe('Reports made before this time'),
      timeZone: ianaTimeZone
        .default('UTC')
        .describe('IANA time zone the hours of the week are counted in, e.g. Europe/Amsterdam (daylight saving time included)'),
      format: z.enum(['json', 'csv']).default('json').describe('csv: the type × area × hour-of-week × rider counts as CSV'),
    })
    .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'to must be after from' }),
) {}

const PersonSchema = z.object({ role: RoleSchema, subject: z.string() });

export const ExceptionViewSchema = z
  .object({
    exceptionId: z.string(),
    orderId: z.string(),
    shopId: z.string(),
    status: ExceptionStatusSchema,
    type: ExceptionTypeSchema,
    details: ExceptionDetailsSchema,
    position: ReporterPositionSchema,
    riderId: z.string().optional(),
    reportedBy: PersonSchema,
    reportedAt: z.string(),
    acknowledgedBy: PersonSchema.optional(),
    acknowledgedAt: z.string().optional(),
    secondsToAcknowledge: z.number().optional(),
    resolvedBy: PersonSchema.optional(),
    resolvedAt: z.string().optional(),
    secondsToResolve: z.number().optional().describe('From the report to its resolution'),
    outcome: ExceptionOutcomeSchema.optional(),
    resolutionNote: z.string().optional(),
    escalatedAt: z.string().optional(),
    version: z.number().int(),
  })
  .meta({
    example: {
      exceptionId: '0b6f…',
      orderId: '7d1e…',
      shopId: 's1',
      status: 'acknowledged',
      type: 'running_late',
      details: { type: 'running_late', minutesLate: 20 },
      position: { lat: 52.0907, lng: 5.1214 },
      riderId: 'rita',
      reportedBy: { role: 'rider', subject: 'rita' },
      reportedAt: '2026-02-14T09:00:00.000Z',
      acknowledgedBy: { role: 'staff', subject: 'alice' },
      acknowledgedAt: '2026-02-14T09:01:30.000Z',
      secondsToAcknowledge: 90,
      version: 2,
    },
  });
export class ExceptionView extends createZodDto(ExceptionViewSchema) {}

const ListItemSchema = z.object({
  exceptionId: z.string(),
  orderId: z.string(),
  shopId: z.string(),
  status: ExceptionStatusSchema,
  type: ExceptionTypeSchema,
  riderId: z.string().optional(),
  reportedBy: z.string(),
  area: z.string().describe('5-character geohash of where it was reported'),
  reportedAt: z.string(),
  acknowledgedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  outcome: ExceptionOutcomeSchema.optional(),
  escalatedAt: z.string().optional(),
});
export class ExceptionList extends createZodDto(z.object({ items: z.array(ListItemSchema) })) {}

const percentiles = z.object({ count: z.number().int(), p50Seconds: z.number().nullable(), p90Seconds: z.number().nullable() });

export class ExceptionAnalytics extends createZodDto(
  z.object({
    from: z.string(),
    to: z.string(),
    shopId: z.string().optional(),
    timeZone: z.string().describe('The time zone the hours of the week are counted in'),
    total: z.number().int(),
    byTypeAreaHourRider: z
      .array(z.object({ type: ExceptionTypeSchema, area: z.string(), hourOfWeek: z.number().int(), riderId: z.string().nullable(), count: z.number().int() }))
      .describe('hourOfWeek, in timeZone: 0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00'),
    repeatedAddressErrors: z
      .array(z.object({ area: z.string(), count: z.number().int(), suggestedAddresses: z.array(z.string()) }))
      .describe('Areas with two or more address_not_found reports, most first'),
    delaysByHourOfWeek: z
      .array(z.object({ hourOfWeek: z.number().int(), count: z.number().int(), totalMinutesLate: z.number().int(), averageMinutesLate: z.number() }))
      .describe('running_late reports per hour of the week (in timeZone), most first'),
    timeToAcknowledge: percentiles,
    timeToResolve: percentiles.describe('From the report to its resolution'),
  }),
) {}
