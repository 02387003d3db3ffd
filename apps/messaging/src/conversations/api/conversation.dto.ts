import { ConversationChannelSchema, MentionRefSchema, RoleSchema, SystemNoteSchema } from '@petalpost/contracts';
import { z } from 'zod';
import { MESSAGE_TEXT_MAX } from '../domain/message-text';
import { QUICK_REPLIES_MAX } from '../domain/quick-replies';
import { createZodDto } from '@petalpost/platform';

/**
 * Request and response bodies of the conversations API. Unknown fields are refused (strict
 * objects); texts are checked again by the rules after they are cleaned (trimmed, control
 * characters removed), which is what the length limit applies to.
 */

// Generous before cleaning: what counts is the cleaned text (MESSAGE_TEXT_MAX), checked by the rules.
const rawText = z.string().max(MESSAGE_TEXT_MAX * 2);

export class PostMessageBody extends createZodDto(
  z
    .strictObject({
      text: rawText
        .optional()
        .describe(`Plain text, at most ${MESSAGE_TEXT_MAX} characters after trimming; @subject or @dispatcher / @florist / @staff mention`),
      quickReplyId: z.string().min(1).max(64).optional().describe("One of the shop's quick replies; its text is used when no text is given"),
      attachmentRefs: z.array(z.string().min(1).max(300)).max(10).default([]).describe('Opaque references of uploaded attachments'),
    })
    .refine((b) => b.text !== undefined || b.quickReplyId !== undefined, { path: ['text'], message: 'a message needs text or a quickReplyId' })
    .meta({ example: { text: '@li the recipient is on the 2nd floor, ring twice' } }),
) {}

export class EditMessageBody extends createZodDto(
  z.strictObject({ text: rawText.describe(`The new text, at most ${MESSAGE_TEXT_MAX} characters after trimming`) }),
) {}

export class MarkReadBody extends createZodDto(
  z.strictObject({ upToMessageId: z.string().min(1).max(64).describe('The newest message you have read in this channel') }),
) {}

export class MessagesQuery extends createZodDto(
  z.strictObject({
    after: z.coerce.number().int().min(0).optional().describe('The nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}

export const MessageViewSchema = z.object({
  messageId: z.string(),
  seq: z.number().int(),
  channel: ConversationChannelSchema,
  author: z.object({ role: RoleSchema, subject: z.string() }).nullable().describe('null: written by the service from the order’s progress'),
  text: z.string().describe('Plain text; for a message of the service itself, English: apps word `system` for their reader when it is there'),
  system: SystemNoteSchema.optional().describe(
    'Messages of the service itself posted since it was added: what they say (`riderId` only in the internal channel, never to the customer)',
  ),
  quickReplyId: z.string().optional(),
  attachmentRefs: z.array(z.string()),
  mentions: z.array(MentionRefSchema),
  postedAt: z.string(),
  editedAt: z.string().optional().describe('When it was last edited'),
  edits: z
    .array(z.object({ previousText: z.string(), editedAt: z.string() }))
    .optional()
    .describe("Staff and operators only: what it said before each edit (the shop's audit)"),
  recalled: z.boolean().describe('Recalled by its author: others see "recalled"; staff and operators still see what it said'),
  recalledAt: z.string().optional(),
  recallableUntil: z
    .string()
    .optional()
    .describe('To its author only, while not recalled: until when they may recall it (MESSAGING_RECALL_SECONDS after posting)'),
});

export class MessageView extends createZodDto(MessageViewSchema) {}

export class MessagePage extends createZodDto(
  z.object({ items: z.array(MessageViewSchema), nextCursor: z.string().nullable().describe('Pass as `after` for the next page; null at the end') }),
) {}

const ReadPositionSchema = z.object({
  reader: z.object({ role: RoleSchema, subject: z.string() }),
  upToMessageId: z.string().describe('The newest message of the channel they have read (or posted)'),
  upToSeq: z.number().int().describe("That message's seq: they have read every message of the channel up to it"),
  readAt: z.string().describe('When they read (or posted) it'),
});

export class ConversationView extends createZodDto(
  z.object({
    orderId: z.string(),
    shopId: z.string(),
    channels: z
      .array(
        z.object({
          channel: ConversationChannelSchema,
          unread: z.number().int(),
          canPost: z.boolean(),
          readers: z
            .array(ReadPositionSchema)
            .optional()
            .describe(
              "How far each reader has read the channel, earliest first. Only for those told of the channel's read receipts: the shop's staff (both channels), its dispatchers (internal), operators",
            ),
        }),
      )
      .describe('Only the channels you may read'),
    riderId: z.string().optional().describe('The rider taking part (shop roles only)'),
    openedAt: z.string(),
  }),
) {}

export class ConversationsQuery extends createZodDto(
  z.strictObject({
    unread: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true')
      .describe('true: only conversations with something you have not read'),
    cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}

export class ConversationList extends createZodDto(
  z
    .object({
      items: z.array(
        z.object({
          orderId: z.string(),
          shopId: z.string(),
          channels: z.array(z.object({ channel: ConversationChannelSchema, unread: z.number().int() })).describe('Only the channels you may read'),
          lastMessageAt: z.string().nullable().describe('The newest message in those channels; null while there is none'),
        }),
      ),
      nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
    })
    .meta({
      example: {
        items: [
          {
            orderId: '7d1e…',
            shopId: 's1',
            channels: [
              { channel: 'internal', unread: 2 },
              { channel: 'customer', unread: 0 },
            ],
            lastMessageAt: '2026-02-14T09:12:30.000Z',
          },
        ],
        nextCursor: 'WyIyMDI2LTAyLTE0VDA5OjEyOjMwLjAwMDAwMFoiLCI3ZDFlIl0',
      },
    }),
) {}

export class ChannelReadView extends createZodDto(z.object({ channel: ConversationChannelSchema, unread: z.number().int() })) {}

const QuickReplySchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes')
    .describe('Chosen by the shop, e.g. on-my-way'),
  text: z.string().min(1).max(MESSAGE_TEXT_MAX),
  locale: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 language tag such as en or zh-CN')
    .optional()
    .describe('The language of the text, so an app offers its reader those of their language; none: offered to everyone'),
});

export class QuickRepliesBody extends createZodDto(
  z.strictObject({ replies: z.array(QuickReplySchema).max(QUICK_REPLIES_MAX) }).meta({
    example: {
      replies: [
        { id: 'on-my-way', text: 'On my way', locale: 'en' },
        { id: 'on-my-way-zh-cn', text: '在路上了', locale: 'zh-CN' },
      ],
    },
  }),
) {}

export class QuickRepliesView extends createZodDto(
  z.object({
    shopId: z.string(),
    replies: z.array(z.object({ id: z.string(), text: z.string(), locale: z.string().optional() })),
    defaults: z
      .boolean()
      .describe("true: the shop never set its own, these are the service's defaults (en and zh-CN); they go once the shop sets its own, even none"),
  }),
) {}
