import { emptyResolveDraft, placeHeldBody } from './resolve-draft';

const ZONE = 'Asia/Shanghai';

describe('placing a held order: the body sent', () => {
  it('reads the window on the shop’s clock', () => {
    const answer = placeHeldBody({ ...emptyResolveDraft('2026-12-24'), from: '14:00', to: '16:00' }, ZONE, false);
    expect(answer).toEqual({ body: { deliveryWindow: { from: '2026-12-24T06:00:00.000Z', to: '2026-12-24T08:00:00.000Z', timeZone: ZONE } } });
  });

  it('takes a window closing at midnight as ending on the next day', () => {
    const answer = placeHeldBody({ ...emptyResolveDraft('2026-12-24'), from: '22:00', to: '00:00' }, ZONE, false);
    expect(answer).toEqual({ body: { deliveryWindow: { from: '2026-12-24T14:00:00.000Z', to: '2026-12-24T16:00:00.000Z', timeZone: ZONE } } });
  });

  it('sends the recipient only when one was asked for', () => {
    const draft = { ...emptyResolveDraft('2026-12-24'), from: '10:00', to: '12:00', recipientName: ' 赵磊 ', addressText: '上海市静安区常德路 800 号' };
    expect(placeHeldBody(draft, ZONE, true)).toEqual({
      body: {
        deliveryWindow: { from: '2026-12-24T02:00:00.000Z', to: '2026-12-24T04:00:00.000Z', timeZone: ZONE },
        recipient: { name: '赵磊', address: { text: '上海市静安区常德路 800 号' } },
      },
    });
    expect(placeHeldBody(draft, ZONE, false)).not.toHaveProperty('body.recipient');
  });

  it('names what is missing instead of sending', () => {
    expect(placeHeldBody(emptyResolveDraft(''), ZONE, true)).toEqual({ problems: ['date', 'from', 'to', 'recipientName', 'addressText'] });
    expect(placeHeldBody({ ...emptyResolveDraft('2026-12-24'), from: '16:00', to: '14:00' }, ZONE, false)).toEqual({ problems: ['order'] });
  });
});
