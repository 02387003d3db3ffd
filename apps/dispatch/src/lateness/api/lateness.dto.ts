import { createZodDto, ianaTimeZone } from '@petalpost/platform';
import { z } from 'zod';
import { WEEKDAYS } from '../../demand/domain/demand-calendar';

/** A calendar day; PostgreSQL counts from 1970 on without surprises. */
const day = z.iso.date().refine((d) => d >= '1970-01-01', 'a day from 1970-01-01 on');

export class LatenessQuery extends createZodDto(
  z
    .strictObject({
      shopId: z.string().min(1).max(64).optional().describe('Operators choose a shop; everyone else sees their own'),
      timeZone: ianaTimeZone
        .optional()
        .describe('IANA time zone whose clock weekdays, hours and days are read on; the shop’s own (dispatch settings) by default'),
      from: day.optional().describe('First day of delivery windows counted (included), on that clock'),
      to: day.optional().describe('Last day counted (included)'),
    })
    .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'to must not be before from' }),
) {}

const HourSchema = z.object({
  weekday: z.enum(WEEKDAYS),
  hour: z.number().int().describe('0–23, on the clock of timeZone'),
  hourOfWeek: z.number().int().describe('0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00'),
  delivered: z.number().int().describe('Orders delivered whose window started in that hour'),
  late: z.number().int().describe('Of them, delivered after the window’s end (or, delivered before dispatch kept the time, flagged late)'),
});

export class LatenessView extends createZodDto(
  z.object({
    shopId: z.string(),
    timeZone: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    totals: z.object({ delivered: z.number().int(), late: z.number().int() }),
    hours: z.array(HourSchema).describe('All 168 hours of the week, in order'),
  }),
) {}
