import { specFor } from '@petalpost/testing';
import {
  DEFAULT_QUICK_REPLIES,
  type QuickRepliesCommand,
  quickRepliesDecider,
  type QuickRepliesEvent,
  quickRepliesOf,
  type QuickRepliesState,
} from './quick-replies';

const spec = specFor<QuickRepliesCommand, QuickRepliesEvent, QuickRepliesState>(quickRepliesDecider);
const now = '2026-02-14T08:00:00.000Z';
const set = (replies: QuickRepliesCommand['replies']): QuickRepliesCommand => ({ type: 'SetQuickReplies', shopId: 's1', replies, now });
const wasSet = (replies: QuickRepliesCommand['replies']): QuickRepliesEvent => ({ type: 'QuickRepliesSet', data: { shopId: 's1', replies, setAt: now } });
const fold = (events: QuickRepliesEvent[]) => events.reduce(quickRepliesDecider.evolve, quickRepliesDecider.initialState());

describe('quick replies', () => {
  it("offers a shop that never set its own the riders' common replies, each in en and zh-CN", () => {
    expect(quickRepliesOf(fold([]))).toEqual({ replies: DEFAULT_QUICK_REPLIES, defaults: true });
    const texts = (locale: string) => DEFAULT_QUICK_REPLIES.filter((r) => r.locale === locale).map((r) => r.text);
    expect(texts('en')).toEqual(['5 minutes away', 'At the door', "Can't find the entrance", 'Running late']);
    expect(texts('zh-CN')).toEqual(['还有5分钟到', '已到门口', '找不到入口', '会晚一点到']);
    expect(new Set(DEFAULT_QUICK_REPLIES.map((r) => r.id)).size).toBe(DEFAULT_QUICK_REPLIES.length);
  });

  it("offers the shop's own once set, with their locales, and the defaults no more", () => {
    const own = [
      { id: 'side-door', text: 'Ring at the side door', locale: 'en' },
      { id: 'thanks', text: 'Thanks!' },
    ];
    spec
      .given([])
      .when(set(own))
      .then([wasSet(own)]);
    expect(quickRepliesOf(fold([wasSet(own)]))).toEqual({ replies: own, defaults: false });
  });

  it('takes the defaults away when a shop chooses to have none', () => {
    spec
      .given([])
      .when(set([]))
      .then([wasSet([])]);
    expect(quickRepliesOf(fold([wasSet([])]))).toEqual({ replies: [], defaults: false });
  });

  it('records nothing when the replies are as they were', () => {
    const own = [{ id: 'thanks', text: 'Thanks!' }];
    spec
      .given([wasSet(own)])
      .when(set(own))
      .then([]);
    spec
      .given([wasSet([])])
      .when(set([]))
      .then([]);
  });

  it('refuses two replies with one id', () => {
    spec
      .given([])
      .when(
        set([
          { id: 'a', text: 'x' },
          { id: 'a', text: 'y' },
        ]),
      )
      .thenRefuses('QUICK_REPLY_DUPLICATE_ID', 'invalid');
  });
});
