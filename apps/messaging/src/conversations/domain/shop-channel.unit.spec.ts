import { specFor } from '@petalpost/testing';
import { shopChannelAccess, type Viewer } from './channel-access';
import type { Mention } from './message-text';
import { type ShopChannelCommand, shopChannelDecider, type ShopChannelEvent, type ShopChannelState } from './shop-channel';

const spec = specFor<ShopChannelCommand, ShopChannelEvent, ShopChannelState>(shopChannelDecider);
const now = '2026-02-14T08:00:00.000Z';
const ref = { shopId: 's1', channelId: 'c1' };

const staff: Viewer = { role: 'staff', sub: 'alice', shopId: 's1' };
const florist: Viewer = { role: 'florist', sub: 'flo', shopId: 's1' };
const dispatcher: Viewer = { role: 'dispatcher', sub: 'dan', shopId: 's1' };
const rider: Viewer = { role: 'rider', sub: 'li', shopId: 's1' };
const customer: Viewer = { role: 'customer', sub: 'buyer', orderId: 'o1' };
const operator: Viewer = { role: 'operator', sub: 'olga' };
const staffElsewhere: Viewer = { role: 'staff', sub: 'bob', shopId: 's2' };

const opened: ShopChannelEvent = { type: 'ShopChannelOpened', data: { ...ref, name: "Today's deliveries", openedAt: now } };
const post = (author: Viewer, text: string, messageId = 'm1'): ShopChannelCommand => ({
  type: 'PostShopChannelMessage',
  messageId,
  author,
  text,
  attachmentRefs: [],
  now,
});
const posted = (author: Viewer, text: string, mentions: Mention[] = []): ShopChannelEvent => ({
  type: 'ShopChannelMessagePosted',
  data: { ...ref, messageId: 'm1', author: { role: author.role, subject: author.sub }, text, attachmentRefs: [], mentions, postedAt: now },
});

const withId = (messageId: string, event: ShopChannelEvent): ShopChannelEvent =>
  event.type === 'ShopChannelMessagePosted' ? { ...event, data: { ...event.data, messageId } } : event;

describe('who may read and post in a shop channel (as a table)', () => {
  const table: Array<[string, Viewer, 'read+post' | 'read' | 'none']> = [
    ['staff of the shop', staff, 'read+post'],
    ['a florist of the shop', florist, 'read+post'],
    ['a dispatcher of the shop', dispatcher, 'read+post'],
    ['a rider of the shop', rider, 'read+post'],
    ['a rider of another shop', { ...rider, shopId: 's2' }, 'none'],
    ['a customer', customer, 'none'],
    ['an operator', operator, 'read'],
    ['staff of another shop', staffElsewhere, 'none'],
  ];
  it.each(table)('%s: %s', (_who, viewer, expected) => {
    const access = shopChannelAccess(viewer, 's1');
    expect(access.post ? 'read+post' : access.read ? 'read' : 'none').toBe(expected);
  });
});

describe('a shop channel', () => {
  it('is opened by staff of the shop, its name cleaned', () =>
    void spec
      .given([])
      .when({ type: 'OpenShopChannel', ...ref, name: "  Today's deliveries\u0007 ", opener: staff, now })
      .then([opened]));
  it('is not opened by a rider of the shop', () =>
    void spec
      .given([])
      .when({ type: 'OpenShopChannel', ...ref, name: 'x', opener: rider, now })
      .thenRefuses('CHANNEL_OPEN_NOT_ALLOWED', 'forbidden'));
  it('is not opened by a rider of another shop', () =>
    void spec
      .given([])
      .when({ type: 'OpenShopChannel', ...ref, name: 'x', opener: { ...rider, shopId: 's2' }, now })
      .thenRefuses('CHANNEL_NOT_FOUND', 'not_found'));
  it('takes a florist message', () =>
    void spec
      .given([opened])
      .when(post(florist, 'Peonies are in'))
      .then([posted(florist, 'Peonies are in')]));
  it('takes role mentions', () =>
    void spec
      .given([opened])
      .when(post(staff, '@dispatcher @florist van 2 is late'))
      .then([
        posted(staff, '@dispatcher @florist van 2 is late', [
          { kind: 'role', role: 'dispatcher' },
          { kind: 'role', role: 'florist' },
        ]),
      ]));
  it('refuses a person nobody in it knows', () => void spec.given([opened]).when(post(staff, '@li where are you')).thenRefuses('MENTION_UNKNOWN', 'invalid'));
  it('takes a rider message', () =>
    void spec
      .given([opened])
      .when(post(rider, 'Stuck at the bridge'))
      .then([posted(rider, 'Stuck at the bridge')]));
  it('takes a mention of a rider who posted in it', () =>
    void spec
      .given([opened, posted(rider, 'Stuck at the bridge')])
      .when(post(staff, '@li take the ring road', 'm2'))
      .then([withId('m2', posted(staff, '@li take the ring road', [{ kind: 'person', subject: 'li' }]))]));
  it('refuses a rider of another shop', () =>
    void spec
      .given([opened])
      .when(post({ ...rider, shopId: 's2' }, 'hi'))
      .thenRefuses('CHANNEL_NOT_FOUND', 'not_found'));
  it('refuses an operator posting', () => void spec.given([opened]).when(post(operator, 'hi')).thenRefuses('CHANNEL_READ_ONLY', 'forbidden'));
  it('refuses an empty message', () => void spec.given([opened]).when(post(staff, '   ')).thenRefuses('MESSAGE_EMPTY', 'invalid'));
  it('refuses a message before it is opened', () => void spec.given([]).when(post(staff, 'hi')).thenRefuses('CHANNEL_NOT_FOUND', 'not_found'));
});
