import { z } from 'zod';
import { ALL_EVENT_TYPES, eventTypesProblem } from '../domain/webhook-event-types';
import { MAX_URL_LENGTH } from '../domain/webhook-url-policy';
import { createZodDto } from '@petalpost/platform';

/**
 * Request and response bodies of the webhooks API. Unknown fields are refused (strict objects):
 * a misspelt field must not silently subscribe to something else. Whether a URL may be reached
 * (no private addresses in production) is checked by the service, which knows where it runs.
 */

// PostgreSQL has no year 0, which ISO 8601 (and so zod) allows.
const time = z.iso.datetime({ offset: true }).refine((t) => !t.startsWith('0000'), 'year 0 does not exist');
const url = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(MAX_URL_LENGTH)
  .describe('Where events are POSTed. http(s) only; in production not a private or loopback address');
const eventTypes = z
  .array(z.string().max(100))
  .max(100)
  .superRefine((types, ctx) => {
    const problem = eventTypesProblem(types);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(`Integration event types such as OrderPlaced, OrderDelivered; ["${ALL_EVENT_TYPES}"] for every type, also future ones`);
const description = z.string().min(1).max(500);

const example = {
  url: 'https://hooks.rosesandco.nl/petalpost',
  eventTypes: ['OrderPlaced', 'OutForDelivery', 'OrderDelivered'],
  description: 'Order status into our shop system',
};

export class CreateWebhookBody extends createZodDto(z.strictObject({ url, eventTypes, description: description.optional() }).meta({ example })) {}

export class UpdateWebhookBody extends createZodDto(
  z
    .strictObject({
      url: url.optional(),
      eventTypes: eventTypes.optional(),
      description: description.nullable().optional().describe('null removes it'),
      enabled: z.boolean().optional().describe('false stops deliveries (waiting ones are cancelled); true resumes, also after a 410 Gone'),
    })
    .refine((body) => Object.keys(body).length > 0, 'change at least one field')
    .meta({ example: { enabled: true, eventTypes: ['*'] } }),
) {}

export class WebhookReplayBody extends createZodDto(
  z
    .strictObject({
      from: time.describe('Re-send every event of the shop that occurred at or after this time (as far back as events are kept)'),
      eventTypes: eventTypes.optional().describe('Only these types (within what the subscription receives)'),
    })
    .meta({ example: { from: '2026-02-14T06:00:00+01:00', eventTypes: ['OrderDelivered'] } }),
) {}

export class WebhookDeliveriesQuery extends createZodDto(
  z.strictObject({
    status: z.enum(['pending', 'delivered', 'dead_letter', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
) {}

export class WebhookDeadLettersQuery extends createZodDto(
  z.strictObject({
    shopId: z.string().min(1).max(64).optional().describe('Operators: one shop (default: every shop). Staff see their own shop only'),
    cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}

const stamp = z.string().describe('ISO 8601');
const webhookExample = {
  id: '0b7c4e0e-6a43-4f0a-9a55-6c1c2a9e8d11',
  shopId: 's1',
  ...example,
  enabled: true,
  disabledReason: null,
  previousSecretExpiresAt: null,
  createdAt: '2026-02-13T09:00:00.000Z',
  updatedAt: '2026-02-13T09:00:00.000Z',
};

export const WebhookViewSchema = z
  .object({
    id: z.uuid(),
    shopId: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z.enum(['gone']).nullable().describe('gone: the receiver answered 410 Gone'),
    previousSecretExpiresAt: stamp.nullable().describe('After a rotation: until then the old secret signs too'),
    createdAt: stamp,
    updatedAt: stamp,
  })
  .meta({ example: webhookExample });
export type WebhookView = z.infer<typeof WebhookViewSchema>;

export class WebhookResponse extends createZodDto(WebhookViewSchema) {}
export class WebhookList extends createZodDto(z.object({ items: z.array(WebhookViewSchema) })) {}

const secret = z.string().describe('Shown this once: store it where your receiver can read it. Verify each delivery with it');
export class CreatedWebhook extends createZodDto(
  WebhookViewSchema.extend({ secret }).meta({ example: { ...webhookExample, secret: 'whsec_3q2-7wEXAMPLEONLYb1Zk5kQmY8Gk7y9dN3v0T1h2L0xA' } }),
) {}
export class RotatedWebhookSecret extends createZodDto(
  z
    .object({
      secret,
      previousSecretExpiresAt: stamp.describe('Until then deliveries carry a signature with the old secret as well'),
    })
    .meta({ example: { secret: 'whsec_Zr0-EXAMPLEONLYq8Jt3kX2mPp9Lh6Ww1sV4cB7nE5yA', previousSecretExpiresAt: '2026-02-15T09:00:00.000Z' } }),
) {}

const AttemptSchema = z.object({
  attempt: z.number().int().describe('1 for the first try; a dead letter’s retry starts again at 1'),
  at: stamp,
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable().describe('null when no answer came (refused, timed out)'),
  error: z.string().nullable(),
});

export const DeliveryViewSchema = z.object({
  id: z.uuid().describe('Sent as Petalpost-Webhook-Id: the same on every attempt'),
  eventId: z.uuid(),
  eventType: z.string(),
  cause: z.enum(['event', 'replay']),
  status: z.enum(['pending', 'delivered', 'dead_letter', 'cancelled']),
  nextAttemptAt: stamp.nullable().describe('While pending'),
  createdAt: stamp,
  finishedAt: stamp.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  attempts: z.array(AttemptSchema).describe('Oldest first'),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

export class WebhookDeliveryList extends createZodDto(
  z.object({ items: z.array(DeliveryViewSchema).describe('Newest first') }).meta({
    example: {
      items: [
        {
          id: '5d1f3a52-8f0e-4a8e-9d8b-2f4c7b1e6a90',
          eventId: '1f0c2b1e-9a7d-4c3e-8b6f-0a1d2e3f4a5b',
          eventType: 'OrderDelivered',
          cause: 'event',
          status: 'delivered',
          nextAttemptAt: null,
          createdAt: '2026-02-14T14:02:11.000Z',
          finishedAt: '2026-02-14T14:02:41.512Z',
          lastStatusCode: 200,
          lastError: null,
          attempts: [
            { attempt: 1, at: '2026-02-14T14:02:11.020Z', durationMs: 10004, statusCode: null, error: 'no answer within 10000 ms' },
            { attempt: 2, at: '2026-02-14T14:02:41.480Z', durationMs: 32, statusCode: 200, error: null },
          ],
        },
      ],
    },
  }),
) {}

export const DeadLetterViewSchema = z.object({
  id: z.uuid(),
  subscriptionId: z.uuid(),
  shopId: z.string(),
  url: z.string(),
  eventId: z.uuid(),
  eventType: z.string(),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: stamp,
  failedAt: stamp,
});
export type DeadLetterView = z.infer<typeof DeadLetterViewSchema>;

export class WebhookDeadLetterList extends createZodDto(
  z.object({
    items: z.array(DeadLetterViewSchema).describe('Most recently failed first'),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  }),
) {}

export class RetriedWebhookDelivery extends createZodDto(
  z.object({ id: z.uuid(), status: z.literal('pending'), nextAttemptAt: stamp }).meta({
    example: { id: '5d1f3a52-8f0e-4a8e-9d8b-2f4c7b1e6a90', status: 'pending', nextAttemptAt: '2026-02-14T16:00:00.000Z' },
  }),
) {}

export class WebhookReplayResult extends createZodDto(
  z
    .object({
      replayed: z.number().int().describe('Deliveries queued, one per event'),
      from: stamp,
      eventTypes: z.union([z.literal('all'), z.array(z.string())]),
    })
    .meta({ example: { replayed: 42, from: '2026-02-14T05:00:00.000Z', eventTypes: ['OrderDelivered'] } }),
) {}
