import { emptyDraft, fieldErrorsOf, MADE_TO_ORDER_SKU, minorUnits, placeOrderBody } from './order-draft';

const typed = {
  ...emptyDraft('CNY'),
  buyerName: ' 王芳 ',
  buyerPhone: '138 0013 8000',
  recipientName: '李雷',
  addressText: '上海市徐汇区漕溪北路88号3号楼1202室',
  notes: '门禁 1202#',
  windowFrom: '2026-02-14T09:00',
  windowTo: '2026-02-14T11:00',
  items: [{ key: 'a', name: '十一枝红玫瑰', quantity: '2', sku: '' }],
};

describe('the new order as the API receives it', () => {
  it("sends the window in the shop's zone and the address as written, without a point when none was dropped", () => {
    const body = placeOrderBody(typed, 'Asia/Shanghai');
    expect(body.deliveryWindow).toEqual({ from: '2026-02-14T01:00:00.000Z', to: '2026-02-14T03:00:00.000Z', timeZone: 'Asia/Shanghai' });
    expect(body.recipient).toEqual({ name: '李雷', addressType: 'residence', address: { text: '上海市徐汇区漕溪北路88号3号楼1202室', notes: '门禁 1202#' } });
    expect(body.buyer).toEqual({ name: '王芳', phone: '138 0013 8000' });
    expect(body.items).toEqual([{ sku: MADE_TO_ORDER_SKU, name: '十一枝红玫瑰', quantity: 2 }]);
    expect(body).not.toHaveProperty('price');
    expect(body).not.toHaveProperty('deadline');
  });

  it('carries the pin, the deadline and the price in minor units of the currency', () => {
    const body = placeOrderBody({ ...typed, lat: '31.19', lng: '121.43', deadline: '2026-02-14T12:00', price: '199.5' }, 'Asia/Shanghai');
    expect(body.recipient.address.geo).toEqual({ lat: 31.19, lng: 121.43 });
    expect(body.deadline).toBe('2026-02-14T04:00:00.000Z');
    expect(body.price).toEqual({ amountMinor: 19950, currency: 'CNY' });
    expect(minorUnits('1200', 'JPY')).toBe(1200);
  });

  it('sends half a point as typed so the API names the missing coordinate', () => {
    const sent = JSON.parse(JSON.stringify(placeOrderBody({ ...typed, lat: '31.19' }, 'Asia/Shanghai')));
    expect(sent.recipient.address.geo).toEqual({ lat: 31.19, lng: null });
  });
});

describe("the API's refusal, field by field", () => {
  it('puts each validation problem on its field, gathering a window and a point on their one control', () => {
    const errors = fieldErrorsOf({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'buyer.name: too small; …',
      details: {
        issues: [
          { path: 'buyer.name', message: 'Too small' },
          { path: 'items.0.quantity', message: 'Expected number' },
          { path: 'deliveryWindow.to', message: 'window must end after it starts' },
          { path: 'recipient.address.geo.lng', message: 'Expected number' },
          { path: '', message: 'Unrecognized key' },
        ],
      },
    });
    expect(errors).toEqual({
      'buyer.name': ['Too small'],
      'items.0.quantity': ['Expected number'],
      deliveryWindow: ['window must end after it starts'],
      'recipient.address.geo': ['Expected number'],
      form: ['Unrecognized key'],
    });
  });

  it('shows a full slot on the window and any other refusal on the form', () => {
    expect(fieldErrorsOf({ status: 409, code: 'SLOT_FULL', message: 'the slot is full' })).toEqual({ deliveryWindow: ['the slot is full'] });
    expect(fieldErrorsOf({ status: 403, code: 'FORBIDDEN', message: 'no' })).toEqual({ form: ['no'] });
  });
});
