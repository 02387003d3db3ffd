import { emptyResolveDraft, placeHeldBody } from './resolve-draft';

const ZONE = 'Asia/Shanghai';

describe('placing a held order: the body sent', () => {
  it('reads the window on the shop’s clock', () => {
    const answer = placeHeldBody({ ...emptyResolveDraft('2026-12-24'), from: '14:00', to: '16:00' }, ZONE);
    expect(answer).toEqual({ body: { deliveryWindow: { from: '2026-12-24T06:00:00.000Z', to: '2026-12-24T08:00:00.000Z', timeZone: ZONE } } });
  });

  it('takes a window closing at midnight as ending on the next day', () => {
    const answer = placeHeldBody({ ...emptyResolveDraft('2026-12-24'), from: '22:00', to: '00:00' }, ZONE);
    expect(answer).toEqual({ body: { deliveryWindow: { from: '2026-12-24T14:00:00.000Z', to: '2026-12-24T16:00:00.000Z', timeZone: ZONE } } });
  });

  it('sends the recipient only when one was asked for', () => {
    const draft = { ...emptyResolveDraft('2026-12-24'), from: '10:00', to: '12:00', recipientName: ' 赵磊 ', addressText: '上海市静安区常德路 800 号' };
    expect(placeHeldBody(draft, ZONE, { recipient: true, note: false })).toEqual({
      body: {
        deliveryWindow: { from: '2026-12-24T02:00:00.000Z', to: '2026-12-24T04:00:00.000Z', timeZone: ZONE },
        recipient: { name: '赵磊', address: { text: '上海市静安区常德路 800 号' } },
      },
    });
    expect(placeHeldBody(draft, ZONE)).not.toHaveProperty('body.recipient');
  });

  it('names what is missing instead of sending', () => {
    expect(placeHeldBody(emptyResolveDraft(''), ZONE, { recipient: true, note: false })).toEqual({
      problems: ['date', 'from', 'to', 'recipientName', 'addressText'],
    });
    expect(placeHeldBody({ ...emptyResolveDraft('2026-12-24'), from: '16:00', to: '14:00' }, ZONE)).toEqual({ problems: ['order'] });
  });

  it('sends the card and the anonymity as staff read an unclear note, and no card when they leave it empty', () => {
    const draft = { ...emptyResolveDraft('2026-12-24'), from: '10:00', to: '12:00', cardMessage: ' 生日快乐 ', anonymousSender: true };
    const note = { recipient: false, note: true };
    expect(placeHeldBody(draft, ZONE, note)).toMatchObject({ body: { cardMessage: '生日快乐', anonymousSender: true } });
    expect(placeHeldBody({ ...draft, cardMessage: '', anonymousSender: false }, ZONE, note)).toEqual({
      body: { deliveryWindow: expect.any(Object), anonymousSender: false },
    });
    expect(placeHeldBody(draft, ZONE)).not.toHaveProperty('body.cardMessage');
  });
});
