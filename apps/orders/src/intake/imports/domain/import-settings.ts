import { OrderSourceSchema } from '@petalpost/contracts';
import { z } from 'zod';
import { CSV_FIELDS, type CsvField, DateOrderSchema } from './csv-columns';

const column = z.string().min(1).max(200);

/** Field → the header of its column; every field optional, nothing else allowed. */
export const CsvMappingSchema = z
  .strictObject(Object.fromEntries(CSV_FIELDS.map((field) => [field, column.optional()])) as Record<CsvField, z.ZodOptional<typeof column>>)
  .describe(`Which column holds what: each of ${CSV_FIELDS.join(', ')} names a header of the file`);

export const HOURS_PATTERN = /^\s*\d{1,2}[:.]\d{2}\s*-\s*\d{1,2}[:.]\d{2}\s*$/;

/** How the rows of one import are read and placed: chosen by staff after the preview. */
export const ImportSettingsSchema = z.strictObject({
  mapping: CsvMappingSchema,
  dateOrder: DateOrderSchema.default('ymd').describe('How dates are written: ymd (2027-02-14), dmy (14/02/2027) or mdy (02/14/2027)'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .optional()
    .describe('The currency of prices when the file has no currency column'),
  defaultHours: z
    .string()
    .regex(HOURS_PATTERN, 'hours such as 09:00-18:00')
    .optional()
    .describe('The delivery window for rows with a date but no hours; without it such rows wait for staff (needs attention)'),
  channel: OrderSourceSchema.default('phone').describe('How these orders reached the shop (a day of phone orders: phone)'),
  past: z.boolean().default(false).describe('Operators taking over orders from before: their delivery window may be over already (anyone else gets 400)'),
});
export type ImportSettings = z.infer<typeof ImportSettingsSchema>;
