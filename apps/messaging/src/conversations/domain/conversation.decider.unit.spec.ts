import { specFor } from '@petalpost/testing';
import type { Viewer } from './channel-access';
import type { ConversationCommand } from './conversation.commands';
import { conversationDecider } from './conversation.decider';
import type { ConversationEvent } from './conversation.events';
import type { ConversationState } from './conversation.state';
import { MESSAGE_TEXT_MAX, parseMentions, sanitizeText } from './message-text';

const spec = specFor<ConversationCommand, ConversationEvent, ConversationState>(conversationDecider);

const at = (clock: string) => `2026-02-14T${clock}:00.000Z`;
const ref = { orderId: 'o1', shopId: 's1' };
const rules = { riderGraceMinutes: 60, recallSeconds: 120 };
const ids = { internal: 'sys-i', customer: 'sys-c' };

const staff: Viewer = { role: 'staff', sub: 'alice', shopId: 's1' };
const florist: Viewer = { role: 'florist', sub: 'flo', shopId: 's1' };
const dispatcher: Viewer = { role: 'dispatcher', sub: 'dan', shopId: 's1' };
const riderLi: Viewer = { role: 'rider', sub: 'li', shopId: 's1' };
const customer: Viewer = { role: 'customer', sub: 'buyer', orderId: 'o1' };
const operator: Viewer = { role: 'operator', sub: 'olga' };

const opened: ConversationEvent = { type: 'ConversationOpened', data: { ...ref, openedAt: at('08:00') } };
const liJoined: ConversationEvent = { type: 'RiderJoined', data: { ...ref, riderId: 'li', joinedAt: at('10:00') } };
const liLeft: ConversationEvent = { type: 'RiderLeft', data: { ...ref, riderId: 'li', reason: 'unassigned', leftAt: at('10:30') } };
const deliveredNoted: ConversationEvent = { type: 'OrderStatusNoted', data: { ...ref, status: 'delivered', at: at('11:00') } };
const posted = (by: Viewer, channel: 'internal' | 'customer', messageId: string, text: string, extra: object = {}): ConversationEvent => ({
  type: 'MessagePosted',
  data: { ...ref, channel, messageId, author: { role: by.role, subject: by.sub }, text, attachmentRefs: [], mentions: [], postedAt: at('09:00'), ...extra },
});

const post = (
  author: Viewer,
  channel: 'internal' | 'customer',
  text: string,
  now = at('09:00'),
  extra: Partial<Extract<ConversationCommand, { type: 'PostMessage' }>> = {},
): ConversationCommand => ({
  type: 'PostMessage',
  channel,
  messageId: 'm-new',
  author,
  text,
  attachmentRefs: [],
  rules,
  now,
  ...extra,
});

describe('a conversation that does not exist', () => {
  it('is opened for a placed order', () =>
    void spec
      .given([])
      .when({ type: 'OpenConversation', ...ref, now: at('08:00') })
      .then([opened]));
  it('ignores what an order it never heard of does', () =>
    void spec
      .given([])
      .when({ type: 'FollowOrder', fact: { kind: 'rider_assigned', riderId: 'li' }, messageIds: ids, now: at('10:00') })
      .then([]));
  it('refuses a message as not found', () =>
    void spec
      .given([])
      .when(post(staff, 'internal', 'hi'))
      .thenRefuses('CONVERSATION_NOT_FOUND', 'not_found'));
});

describe('an open conversation following its order', () => {
  it('is not opened twice', () =>
    void spec
      .given([opened])
      .when({ type: 'OpenConversation', ...ref, now: at('08:01') })
      .then([]));

  it('lets the assigned rider join', () =>
    void spec
      .given([opened])
      .when({ type: 'FollowOrder', fact: { kind: 'rider_assigned', riderId: 'li' }, messageIds: ids, now: at('10:00') })
      .then([liJoined]));

  it('changes nothing when the same rider is assigned again', () =>
    void spec
      .given([opened, liJoined])
      .when({ type: 'FollowOrder', fact: { kind: 'rider_assigned', riderId: 'li' }, messageIds: ids, now: at('10:05') })
      .then([]));

  it('takes the previous rider out when another is assigned', () =>
    void spec
      .given([opened, liJoined])
      .when({ type: 'FollowOrder', fact: { kind: 'rider_assigned', riderId: 'mo' }, messageIds: ids, now: at('10:10') })
      .then([
        { type: 'RiderLeft', data: { ...ref, riderId: 'li', reason: 'reassigned', leftAt: at('10:10') } },
        { type: 'RiderJoined', data: { ...ref, riderId: 'mo', joinedAt: at('10:10') } },
      ]));

  it('takes the rider out when unassigned', () =>
    void spec
      .given([opened, liJoined])
      .when({ type: 'FollowOrder', fact: { kind: 'rider_unassigned', riderId: 'li' }, messageIds: ids, now: at('10:30') })
      .then([liLeft]));

  it('ignores the unassignment of a rider who is not the one taking part', () =>
    void spec
      .given([opened, liJoined])
      .when({ type: 'FollowOrder', fact: { kind: 'rider_unassigned', riderId: 'mo' }, messageIds: ids, now: at('10:30') })
      .then([]));

  it('posts "Out for delivery with <rider>" internally and "Out for delivery" to the customer, saying so for apps to word, never naming the rider to the customer', () =>
    void spec
      .given([opened, liJoined])
      .when({ type: 'FollowOrder', fact: { kind: 'out_for_delivery', riderId: 'li' }, messageIds: ids, now: at('10:40') })
      .then([
        { type: 'OrderStatusNoted', data: { ...ref, status: 'out_for_delivery', at: at('10:40') } },
        {
          type: 'MessagePosted',
          data: {
            ...ref,
            channel: 'internal',
            messageId: 'sys-i',
            author: null,
            text: 'Out for delivery with li',
            attachmentRefs: [],
            mentions: [],
            riderId: 'li',
            system: { kind: 'out_for_delivery', riderId: 'li' },
            postedAt: at('10:40'),
          },
        },
        {
          type: 'MessagePosted',
          data: {
            ...ref,
            channel: 'customer',
            messageId: 'sys-c',
            author: null,
            text: 'Out for delivery',
            attachmentRefs: [],
            mentions: [],
            system: { kind: 'out_for_delivery' },
            postedAt: at('10:40'),
          },
        },
      ]));

  it('posts "Delivered" to both channels once, and keeps when it happened', () => {
    spec
      .given([opened, liJoined])
      .when({ type: 'FollowOrder', fact: { kind: 'delivered' }, messageIds: ids, now: at('11:00') })
      .then([
        deliveredNoted,
        {
          type: 'MessagePosted',
          data: {
            ...ref,
            channel: 'internal',
            messageId: 'sys-i',
            author: null,
            text: 'Delivered',
            attachmentRefs: [],
            mentions: [],
            riderId: 'li',
            system: { kind: 'delivered' },
            postedAt: at('11:00'),
          },
        },
        {
          type: 'MessagePosted',
          data: {
            ...ref,
            channel: 'customer',
            messageId: 'sys-c',
            author: null,
            text: 'Delivered',
            attachmentRefs: [],
            mentions: [],
            system: { kind: 'delivered' },
            postedAt: at('11:00'),
          },
        },
      ]);
    spec
      .given([opened, liJoined, deliveredNoted])
      .when({ type: 'FollowOrder', fact: { kind: 'delivered' }, messageIds: ids, now: at('11:01') })
      .then([]);
  });

  it('takes the rider out when the order is cancelled', () =>
    void spec
      .given([opened, liJoined])
      .when({ type: 'FollowOrder', fact: { kind: 'closed', status: 'cancelled' }, messageIds: ids, now: at('10:50') })
      .then([
        { type: 'OrderStatusNoted', data: { ...ref, status: 'cancelled', at: at('10:50') } },
        { type: 'RiderLeft', data: { ...ref, riderId: 'li', reason: 'order_closed', leftAt: at('10:50') } },
      ]));
});

describe('posting', () => {
  it('records a cleaned message of staff in the internal channel, naming the rider taking part', () =>
    void spec
      .given([opened, liJoined])
      .when(post(staff, 'internal', '  Ring twice\u0007 please \n'))
      .then([posted(staff, 'internal', 'm-new', 'Ring twice please', { riderId: 'li' })]));

  it('never names the rider on a customer message', () =>
    void spec
      .given([opened, liJoined])
      .when(post(customer, 'customer', 'Thank you!'))
      .then([posted(customer, 'customer', 'm-new', 'Thank you!')]));

  it('uses the quick reply when no text is given', () =>
    void spec
      .given([opened, liJoined])
      .when(post(riderLi, 'internal', undefined as unknown as string, at('10:10'), { text: undefined, quickReply: { id: 'on-my-way', text: 'On my way' } }))
      .then([posted(riderLi, 'internal', 'm-new', 'On my way', { quickReplyId: 'on-my-way', riderId: 'li', postedAt: at('10:10') })]));

  it('keeps attachment refs as given', () =>
    void spec
      .given([opened])
      .when(post(florist, 'internal', 'Arrangement photo', at('09:00'), { attachmentRefs: ['att-1'] }))
      .then([posted(florist, 'internal', 'm-new', 'Arrangement photo', { attachmentRefs: ['att-1'] })]));

  it('refuses an empty message', () =>
    void spec
      .given([opened])
      .when(post(staff, 'internal', ' \u0000 \n '))
      .thenRefuses('MESSAGE_EMPTY', 'invalid'));
  it('refuses a message over the limit', () =>
    void spec
      .given([opened])
      .when(post(staff, 'internal', 'x'.repeat(MESSAGE_TEXT_MAX + 1)))
      .thenRefuses('MESSAGE_TOO_LONG', 'invalid'));
  it('accepts a message exactly at the limit', () =>
    void spec
      .given([opened])
      .when(post(staff, 'internal', 'x'.repeat(MESSAGE_TEXT_MAX)))
      .then([posted(staff, 'internal', 'm-new', 'x'.repeat(MESSAGE_TEXT_MAX))]));

  it('tells a florist the customer channel does not exist', () =>
    void spec
      .given([opened])
      .when(post(florist, 'customer', 'hi'))
      .thenRefuses('CONVERSATION_NOT_FOUND', 'not_found'));
  it('tells a dispatcher the customer channel does not exist', () =>
    void spec
      .given([opened])
      .when(post(dispatcher, 'customer', 'hi'))
      .thenRefuses('CONVERSATION_NOT_FOUND', 'not_found'));
  it('tells the customer the internal channel does not exist', () =>
    void spec
      .given([opened])
      .when(post(customer, 'internal', 'hi'))
      .thenRefuses('CONVERSATION_NOT_FOUND', 'not_found'));
  it('refuses a rider who is not assigned', () =>
    void spec
      .given([opened])
      .when(post(riderLi, 'internal', 'hi'))
      .thenRefuses('CONVERSATION_NOT_FOUND', 'not_found'));
  it('refuses the rider once unassigned', () =>
    void spec
      .given([opened, liJoined, liLeft])
      .when(post(riderLi, 'internal', 'hi'))
      .thenRefuses('CONVERSATION_NOT_FOUND', 'not_found'));
  it('lets the rider post within the grace period after delivery', () =>
    void spec
      .given([opened, liJoined, deliveredNoted])
      .when(post(riderLi, 'internal', 'Left it at reception', at('11:59')))
      .then([posted(riderLi, 'internal', 'm-new', 'Left it at reception', { riderId: 'li', postedAt: at('11:59') })]));
  it('refuses the rider after the grace period', () =>
    void spec
      .given([opened, liJoined, deliveredNoted])
      .when(post(riderLi, 'internal', 'hi', at('12:00')))
      .thenRefuses('CONVERSATION_NOT_FOUND', 'not_found'));
  it('lets operators read but not post', () =>
    void spec
      .given([opened])
      .when(post(operator, 'internal', 'hi'))
      .thenRefuses('CHANNEL_READ_ONLY', 'forbidden'));
  it('changes nothing when the same message id is posted again', () =>
    void spec
      .given([opened, posted(staff, 'internal', 'm-new', 'hi')])
      .when(post(staff, 'internal', 'hi'))
      .then([]));
});

describe('@mentions', () => {
  const flo = posted(florist, 'internal', 'm1', 'Bouquet ready');
  const buyerSaid = posted(customer, 'customer', 'm2', 'Is it on its way?');

  it('records a role and a known person who may see the channel', () =>
    void spec
      .given([opened, liJoined, flo])
      .when(post(staff, 'internal', '@dispatcher @li ring twice, thanks @flo.'))
      .then([
        posted(staff, 'internal', 'm-new', '@dispatcher @li ring twice, thanks @flo.', {
          riderId: 'li',
          mentions: [
            { kind: 'role', role: 'dispatcher' },
            { kind: 'person', subject: 'li' },
            { kind: 'person', subject: 'flo' },
          ],
        }),
      ]));

  it('does not take an e-mail address for a mention', () =>
    void spec
      .given([opened])
      .when(post(staff, 'internal', 'write to sam@example.com'))
      .then([posted(staff, 'internal', 'm-new', 'write to sam@example.com')]));

  it('refuses a role that may not see the channel, naming it', () => {
    const error = spec
      .given([opened])
      .when(post(staff, 'customer', '@florist can you check?'))
      .thenRefuses('MENTION_NOT_ALLOWED', 'invalid');
    expect(error.details).toMatchObject({ mentions: ['@florist'] });
  });

  it('refuses the rider in the customer channel, naming them', () => {
    const error = spec
      .given([opened, liJoined])
      .when(post(staff, 'customer', '@li is on the way'))
      .thenRefuses('MENTION_NOT_ALLOWED', 'invalid');
    expect(error.details).toMatchObject({ mentions: ['li'] });
  });

  // A customer writes from the tracking page, which offers no mentions: a message there is never lost to an "@".
  it('takes a customer’s @word for plain text, mentioning nobody', () =>
    void spec
      .given([opened])
      .when(post(customer, 'customer', '@florist @shop is it ready?'))
      .then([posted(customer, 'customer', 'm-new', '@florist @shop is it ready?')]));

  it('refuses the customer in the internal channel', () =>
    void spec
      .given([opened, buyerSaid])
      .when(post(staff, 'internal', '@buyer asked again'))
      .thenRefuses('MENTION_NOT_ALLOWED', 'invalid'));

  it('refuses a rider who was unassigned', () =>
    void spec
      .given([opened, liJoined, liLeft])
      .when(post(staff, 'internal', '@li never mind'))
      .thenRefuses('MENTION_NOT_ALLOWED', 'invalid'));

  it('refuses someone the conversation does not know', () => {
    const error = spec
      .given([opened])
      .when(post(staff, 'internal', '@nobody there?'))
      .thenRefuses('MENTION_UNKNOWN', 'invalid');
    expect(error.details).toMatchObject({ mentions: ['nobody'] });
  });
});

describe('read receipts', () => {
  const m1 = posted(staff, 'internal', 'm1', 'one');
  const read = (reader: Viewer, upToMessageId: string): ConversationCommand => ({
    type: 'MarkRead',
    channel: 'internal',
    reader,
    upToMessageId,
    rules,
    now: at('09:30'),
  });

  it('records how far a reader has read', () =>
    void spec
      .given([opened, m1])
      .when(read(florist, 'm1'))
      .then([
        { type: 'MessagesRead', data: { ...ref, channel: 'internal', reader: { role: 'florist', subject: 'flo' }, upToMessageId: 'm1', readAt: at('09:30') } },
      ]));
  it('changes nothing for what was already read (an author has read their own message)', () => void spec.given([opened, m1]).when(read(staff, 'm1')).then([]));
  it('refuses a message of another channel', () =>
    void spec
      .given([opened, m1])
      .when({ ...read(staff, 'm1'), channel: 'customer' } as ConversationCommand)
      .thenRefuses('MESSAGE_NOT_FOUND'));
  it('refuses a reader who may not see the channel', () => void spec.given([opened, m1]).when(read(customer, 'm1')).thenRefuses('CONVERSATION_NOT_FOUND'));
});

describe('editing and recalling', () => {
  const mine = posted(florist, 'internal', 'm1', 'Bouquet ready at 10');
  const edit = (editor: Viewer, text: string, now = at('09:05')): ConversationCommand => ({
    type: 'EditMessage',
    channel: 'internal',
    messageId: 'm1',
    editor,
    text,
    rules,
    now,
  });
  const recall = (by: Viewer, now: string): ConversationCommand => ({ type: 'RecallMessage', channel: 'internal', messageId: 'm1', by, rules, now });
  const recalled: ConversationEvent = { type: 'MessageRecalled', data: { ...ref, channel: 'internal', messageId: 'm1', recalledAt: at('09:01') } };

  it('keeps what the message said before', () =>
    void spec
      .given([opened, mine])
      .when(edit(florist, 'Bouquet ready at 11'))
      .then([
        {
          type: 'MessageEdited',
          data: {
            ...ref,
            channel: 'internal',
            messageId: 'm1',
            previousText: 'Bouquet ready at 10',
            text: 'Bouquet ready at 11',
            mentions: [],
            editedAt: at('09:05'),
          },
        },
      ]));
  it('changes nothing when the text is the same', () => void spec.given([opened, mine]).when(edit(florist, ' Bouquet ready at 10 ')).then([]));
  it('refuses an edit by someone else', () =>
    void spec.given([opened, mine]).when(edit(staff, 'Bouquet ready at 11')).thenRefuses('NOT_THE_AUTHOR', 'forbidden'));
  it('refuses an edit of a recalled message', () =>
    void spec.given([opened, mine, recalled]).when(edit(florist, 'again')).thenRefuses('MESSAGE_RECALLED', 'conflict'));
  it('checks mentions of the new text', () => void spec.given([opened, mine]).when(edit(florist, '@ghost ready')).thenRefuses('MENTION_UNKNOWN', 'invalid'));
  it('recalls within the recall period (120 s)', () =>
    void spec
      .given([opened, mine])
      .when(recall(florist, '2026-02-14T09:02:00.000Z'))
      .then([{ ...recalled, data: { ...recalled.data, recalledAt: '2026-02-14T09:02:00.000Z' } } as ConversationEvent]));
  it('refuses a recall after the recall period', () =>
    void spec.given([opened, mine]).when(recall(florist, '2026-02-14T09:02:01.000Z')).thenRefuses('RECALL_WINDOW_OVER', 'conflict'));
  it('refuses a recall by someone else', () =>
    void spec
      .given([opened, mine])
      .when(recall(staff, at('09:01')))
      .thenRefuses('NOT_THE_AUTHOR', 'forbidden'));
  it('changes nothing when recalled again', () =>
    void spec
      .given([opened, mine, recalled])
      .when(recall(florist, at('09:01')))
      .then([]));
  it('names the rider taking part in a recall of the internal channel, so their app hides it too', () =>
    void spec
      .given([opened, liJoined, { ...mine, data: { ...mine.data, postedAt: at('10:05') } } as ConversationEvent])
      .when(recall(florist, at('10:06')))
      .then([{ ...recalled, data: { ...recalled.data, riderId: 'li', recalledAt: at('10:06') } } as ConversationEvent]));
  it('names no rider once the rider has left', () =>
    void spec
      .given([opened, liJoined, { ...mine, data: { ...mine.data, postedAt: at('10:29') } } as ConversationEvent, liLeft])
      .when(recall(florist, at('10:31')))
      .then([{ ...recalled, data: { ...recalled.data, recalledAt: at('10:31') } } as ConversationEvent]));
});

describe('message text', () => {
  it('strips control characters and direction overrides, keeps newlines', () => expect(sanitizeText('a\u202Eb\r\nc\u0000')).toBe('ab\nc'));
  it('parses each mention once', () =>
    expect(parseMentions('@li @li @staff')).toEqual([
      { kind: 'person', subject: 'li' },
      { kind: 'role', role: 'staff' },
    ]));
});

describe('posting limit', () => {
  const seconds = (s: number) => new Date(Date.parse(at('09:00')) + s * 1000).toISOString();
  /** Ten posts by `by` in the customer channel, one every 5 seconds from 09:00:00. */
  const tenPostsBy = (by: Viewer) =>
    Array.from({ length: 10 }, (_, i) => posted(by, 'customer', `${by.sub}-${i}`, `message ${i}`, { postedAt: seconds(i * 5) }));

  it('refuses an eleventh message within a minute with 429 and when to try again', () => {
    const refusal = spec
      .given([opened, ...tenPostsBy(customer)])
      .when(post(customer, 'customer', 'hello?', seconds(50)))
      .thenRefuses('MESSAGE_RATE_LIMITED', 'too_many');
    // The first of the ten was at 09:00:00: a place frees up at 09:01:00.
    expect(refusal.details).toMatchObject({ retryAfterSeconds: 10, posts: 10, perSeconds: 60 });
  });

  it('counts per author: the shop may still answer a customer who reached the limit', () =>
    void spec
      .given([opened, ...tenPostsBy(customer)])
      .when(post(staff, 'customer', 'We are on it', seconds(50)))
      .then([posted(staff, 'customer', 'm-new', 'We are on it', { postedAt: seconds(50) })]));

  it('takes a message again once the oldest counted one is a minute old', () =>
    void spec
      .given([opened, ...tenPostsBy(customer)])
      .when(post(customer, 'customer', 'hello?', seconds(60)))
      .then([posted(customer, 'customer', 'm-new', 'hello?', { postedAt: seconds(60) })]));

  it('does not count the service’s own progress messages', () =>
    void spec
      .given([
        opened,
        ...tenPostsBy(staff).slice(1),
        {
          type: 'MessagePosted',
          data: {
            ...ref,
            channel: 'customer',
            messageId: 'sys',
            author: null,
            text: 'Out for delivery',
            attachmentRefs: [],
            mentions: [],
            postedAt: seconds(46),
          },
        },
      ])
      .when(post(staff, 'customer', 'Nearly there', seconds(50)))
      .then([posted(staff, 'customer', 'm-new', 'Nearly there', { postedAt: seconds(50) })]));
});
