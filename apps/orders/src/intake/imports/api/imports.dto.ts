import { DeliveryWindowSchema, OrderItemSchema } from '@petalpost/contracts';
import { createZodDto, ianaTimeZone } from '@petalpost/platform';
import { z } from 'zod';
import { CsvFieldSchema, DateOrderSchema } from '../domain/csv-columns';
import { CsvMappingSchema, ImportSettingsSchema } from '../domain/import-settings';

/**
 * Bodies and answers of the CSV import API. The upload itself is the file (text/csv), streamed
 * to storage; what it is read with comes in the query.
 */

export class UploadImportQuery extends createZodDto(
  z.strictObject({
    shopId: z.string().min(1).max(64).optional().describe('Required for operators; staff import into their own shop'),
    source: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ -')
      .default('sheet')
      .describe('Names where the rows come from (a till, "phone-book"): with the order number it makes a row seen before a duplicate'),
    timeZone: ianaTimeZone.optional().describe('The time zone the sheet’s dates and hours are in; default: the shop’s delivery-slot plan’s'),
    dateOrder: DateOrderSchema.default('ymd').describe('For the preview: how dates are written (ymd, dmy, mdy)'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional()
      .describe('For the preview: the currency of prices without a currency column'),
  }),
) {}

const RowProblemSchema = z.object({ field: z.union([CsvFieldSchema, z.literal('row')]), column: z.string().optional(), message: z.string() });

const PreviewRowSchema = z.object({
  line: z.int().describe('The line of the file the row starts on (the header is line 1)'),
  outcome: z.enum(['ready', 'needs_attention', 'rejected']).describe('What the import would do with the row as mapped'),
  externalRef: z.string().optional(),
  reason: z.string().optional().describe('What a held row lacks'),
  problems: z.array(RowProblemSchema),
  order: z
    .object({
      recipientName: z.string().optional(),
      deliveryDate: z.string().optional(),
      deliveryWindow: DeliveryWindowSchema.optional(),
      items: z.array(OrderItemSchema),
    })
    .optional()
    .describe('What was read from the row (to check the mapping)'),
});

export class PreviewImportBody extends createZodDto(ImportSettingsSchema.meta({ example: settingsExample() })) {}
export class StartImportBody extends createZodDto(ImportSettingsSchema.meta({ example: settingsExample() })) {}

export class ImportPreview extends createZodDto(
  z.object({
    importId: z.uuid(),
    timeZone: z.string(),
    columns: z.array(z.string()).describe('The header row'),
    rowsTotal: z.int().describe('Records after the header'),
    suggestedMapping: CsvMappingSchema,
    mappingProblems: z.array(z.string()).describe('What must change in the mapping before the import can start'),
    preview: z.array(PreviewRowSchema).describe('The first 20 rows, mapped'),
  }),
) {}

const ImportStatusSchema = z.enum(['uploading', 'uploaded', 'running', 'finished', 'failed', 'expired']);

export class ImportView extends createZodDto(
  z.object({
    importId: z.uuid(),
    shopId: z.string(),
    status: ImportStatusSchema,
    source: z.string(),
    timeZone: z.string(),
    bytes: z.number().int(),
    columns: z.array(z.string()).optional(),
    rowsTotal: z.int().optional(),
    rowsDone: z.int(),
    imported: z.int(),
    duplicates: z.int(),
    rejected: z.int(),
    needsAttention: z.int(),
    error: z.string().optional(),
    createdAt: z.iso.datetime({ offset: true }),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    finishedAt: z.iso.datetime({ offset: true }).optional(),
    expiresAt: z.iso.datetime({ offset: true }).describe('An upload not started by then is deleted'),
  }),
) {}

export class ImportUploaded extends createZodDto(ImportPreview.schema.extend({ status: ImportStatusSchema, bytes: z.number().int(), expiresAt: z.string() })) {}

export class ImportReportQuery extends createZodDto(
  z.strictObject({
    afterLine: z.coerce.number().int().min(0).default(0).describe('The rows after this line (the last page’s nextAfterLine)'),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    format: z.enum(['json', 'csv']).default('json').describe('csv: the whole report as a spreadsheet'),
  }),
) {}

export class ImportReport extends createZodDto(
  z.object({
    rows: z.array(
      z.object({
        line: z.int(),
        outcome: z.enum(['imported', 'duplicate', 'rejected', 'needs_attention']),
        externalRef: z.string().optional(),
        reason: z.string().optional(),
        orderId: z.uuid().optional(),
        intakeId: z.uuid().optional(),
      }),
    ),
    nextAfterLine: z.int().optional().describe('Present when there may be more rows'),
  }),
) {}

function settingsExample() {
  return {
    mapping: {
      externalRef: 'Order No',
      buyerName: 'Customer',
      buyerPhone: 'Customer phone',
      recipientName: 'Recipient',
      recipientPhone: 'Recipient phone',
      address: 'Address',
      deliveryDate: 'Delivery date',
      deliveryTime: 'Time',
      items: 'Items',
      cardMessage: 'Card',
      price: 'Total',
      paid: 'Paid',
    },
    dateOrder: 'ymd',
    currency: 'EUR',
    defaultHours: '09:00-18:00',
    channel: 'phone',
  };
}
