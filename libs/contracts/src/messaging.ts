import { z } from 'zod';
import { defineEvent } from './integration-event';
import { RoleSchema } from './roles';

/**
 * What the messaging service publishes on `messaging.events` (keyed by order id): one schema per
 * type and version. Every event carries `orderId` and `shopId`; message events carry their
 * `channel`. Visibility for pushes comes from the fields notifications routes by: `channel`,
 * `riderId` (internal messages while a rider takes part), `mentions` (the @mentioned people's
 * subjects) and the roles of `mentionRefs`.
 *
 * Fields added to a version are optional, so data of that version published before them stays
 * valid (as `riderId` on MessageRecalled v1); a field that changes meaning or becomes required is
 * a new version with an upcaster.
 */

const time = z.iso.datetime({ offset: true });

export const CONVERSATION_CHANNELS = ['internal', 'customer'] as const;
export const ConversationChannelSchema = z.enum(CONVERSATION_CHANNELS);

const conversationRef = {
  orderId: z.string().describe('The order the conversation is about'),
  shopId: z.string(),
};

export const MentionRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), subject: z.string() }),
  z.object({ kind: z.literal('role'), role: z.enum(['staff', 'florist', 'dispatcher']) }),
]);
export type MentionRef = z.infer<typeof MentionRefSchema>;

/**
 * What a message the service writes from the order's progress says, for an app to put in its
 * reader's words (its `text` is the English fallback). `riderId` only where the reader may learn
 * who rides the order: the internal channel, never the customer's.
 */
export const SYSTEM_NOTE_KINDS = ['out_for_delivery', 'delivered'] as const;
export const SystemNoteSchema = z.object({
  kind: z.enum(SYSTEM_NOTE_KINDS).describe('What happened to the order: it went out for delivery, or was delivered'),
  riderId: z.string().optional().describe('out_for_delivery in the internal channel: the rider who took the order out'),
});
export type SystemNote = z.infer<typeof SystemNoteSchema>;

export const ConversationOpenedV1 = defineEvent(
  'ConversationOpened',
  1,
  z.object({ ...conversationRef, channels: z.array(ConversationChannelSchema), openedAt: time }),
);

export const RiderJoinedV1 = defineEvent(
  'RiderJoined',
  1,
  z.object({ ...conversationRef, riderId: z.string().describe('Joins the internal channel'), joinedAt: time }),
);

export const RiderLeftV1 = defineEvent(
  'RiderLeft',
  1,
  z.object({
    ...conversationRef,
    riderId: z.string().describe('Loses the internal channel, its history included'),
    reason: z.enum(['unassigned', 'reassigned', 'order_closed']),
    leftAt: time,
  }),
);

export const MessagePostedV1 = defineEvent(
  'MessagePosted',
  1,
  z.object({
    ...conversationRef,
    channel: ConversationChannelSchema,
    messageId: z.string(),
    author: z.object({ role: RoleSchema, subject: z.string() }).nullable().describe('null: a message of the service itself, from the order’s progress'),
    text: z.string().describe('Plain text (never HTML), at most 2000 characters'),
    quickReplyId: z.string().optional().describe('The shop’s quick reply it was written from'),
    attachmentRefs: z.array(z.string()),
    mentions: z.array(z.string()).describe('Subjects of the people @mentioned (notifications routes them to `person:<shopId>:<subject>`)'),
    mentionRefs: z
      .array(MentionRefSchema)
      .describe('Every @mention as written: people and roles (notifications routes a role that may read the channel to `role:<shopId>:<role>`)'),
    riderId: z.string().optional().describe('Internal messages only: the rider taking part when it was posted'),
    system: SystemNoteSchema.optional().describe('Messages of the service itself (author null) posted since it was added: what the text says'),
    postedAt: time,
  }),
);

export const MessageEditedV1 = defineEvent(
  'MessageEdited',
  1,
  z.object({
    ...conversationRef,
    channel: ConversationChannelSchema,
    messageId: z.string(),
    text: z.string().describe('The new text; what it said before stays in the messaging log for the shop’s staff'),
    mentions: z.array(z.string()).describe('Subjects of the people @mentioned in the new text'),
    mentionRefs: z.array(MentionRefSchema),
    riderId: z.string().optional().describe('Internal messages only: the rider taking part'),
    editedAt: time,
  }),
);

export const MessageRecalledV1 = defineEvent(
  'MessageRecalled',
  1,
  z.object({
    ...conversationRef,
    channel: ConversationChannelSchema,
    messageId: z.string().describe('Shown as "recalled" from now on'),
    riderId: z.string().optional().describe('Internal messages only: the rider taking part when it was recalled'),
    recalledAt: time,
  }),
);

export const MessagesReadV1 = defineEvent(
  'MessagesRead',
  1,
  z.object({
    ...conversationRef,
    channel: ConversationChannelSchema,
    reader: z.object({ role: RoleSchema, subject: z.string() }),
    upToMessageId: z.string(),
    readAt: time,
  }),
);

const shopChannelRef = { shopId: z.string(), channelId: z.string().describe('A channel for the staff of one shop, not tied to an order') };

/** Keyed by the channel's stream id (`shop-channel-<channelId>`): there is no order. */
export const ShopChannelOpenedV1 = defineEvent('ShopChannelOpened', 1, z.object({ ...shopChannelRef, name: z.string(), openedAt: time }));

export const ShopChannelMessagePostedV1 = defineEvent(
  'ShopChannelMessagePosted',
  1,
  z.object({
    ...shopChannelRef,
    messageId: z.string(),
    author: z.object({ role: RoleSchema, subject: z.string() }).nullable(),
    text: z.string().describe('Plain text (never HTML), at most 2000 characters'),
    quickReplyId: z.string().optional(),
    attachmentRefs: z.array(z.string()),
    mentions: z.array(z.string()).describe('Subjects of the people @mentioned'),
    mentionRefs: z.array(MentionRefSchema),
    postedAt: time,
  }),
);

export const MESSAGING_EVENT_CONTRACTS = [
  ConversationOpenedV1,
  RiderJoinedV1,
  RiderLeftV1,
  MessagePostedV1,
  MessageEditedV1,
  MessageRecalledV1,
  MessagesReadV1,
  ShopChannelOpenedV1,
  ShopChannelMessagePostedV1,
] as const;

export type MessagingIntegrationEvent = {
  [C in (typeof MESSAGING_EVENT_CONTRACTS)[number] as C['type']]: { type: C['type']; data: z.infer<C['schema']> };
}[(typeof MESSAGING_EVENT_CONTRACTS)[number]['type']];
