import { PushRefused } from '../platform-connector';
import { parseElemeJson, pushVerdict, readPush } from './eleme-pushes';

const refusal = (act: () => unknown): PushRefused | undefined => {
  try {
    act();
  } catch (err) {
    if (err instanceof PushRefused) return err;
    throw err;
  }
  return undefined;
};
const envelope = (cmd: string, body: string, ticket = 'T-1') => ({ cmd, body, source: '34665', ticket, timestamp: '1739520000', version: '3', encrypt: '' });

describe('which Ele.me pushes are stored, and under which event id', () => {
  it('stores a new order once per order', () => {
    expect(pushVerdict(envelope('order.create', '{"order_id":"3035779590075503"}'))).toEqual({
      store: true,
      eventId: 'order.create:3035779590075503',
      topic: 'order.create',
    });
  });

  it('dedupes a status Ele.me sends again, whatever its ticket', () => {
    const first = pushVerdict(envelope('order.status.push', '{"order_id":"3035779590075503","status":10}', 'T-1'));
    const again = pushVerdict(envelope('order.status.push', '{"order_id":"3035779590075503","status":10}', 'T-2'));
    expect(first).toEqual({ store: true, eventId: 'order.status.push:3035779590075503:10', topic: 'order.status.push' });
    expect(again).toEqual(first);
    expect(pushVerdict(envelope('order.status.push', '{"order_id":"3035779590075503","status":9}'))).toMatchObject({
      eventId: 'order.status.push:3035779590075503:9',
    });
  });

  it('tells refunds of one order apart by refund and state', () => {
    const body = (refund: string, state: number) => JSON.stringify({ order_id: '30357', refund_order_id: refund, cur_reverse_event: { refund_status: state } });
    expect(pushVerdict(envelope('order.reverse.push', body('9001', 10)))).toMatchObject({ eventId: 'order.reverse.push:30357:9001:10' });
    expect(pushVerdict(envelope('order.reverse.push', body('9001', 50)))).toMatchObject({ eventId: 'order.reverse.push:30357:9001:50' });
  });

  it('reads a refund event given as JSON text as well as an object', () => {
    const text = JSON.stringify({ order_id: '30357', refund_order_id: '9001', cur_reverse_event: JSON.stringify({ refund_status: 50 }) });
    expect(readPush(envelope('order.reverse.push', text))).toMatchObject({ body: { cur_reverse_event: { refund_status: 50 } } });
  });

  it('keeps each reminder a buyer sends, told apart by its own id, its time, else the ticket', () => {
    expect(pushVerdict(envelope('order.remind.push', '{"order_id":"30357","remind_id":"r-2"}'))).toMatchObject({ eventId: 'order.remind.push:30357:r-2' });
    expect(pushVerdict(envelope('order.remind.push', '{"order_id":"30357","create_time":1739520100}'))).toMatchObject({
      eventId: 'order.remind.push:30357:1739520100',
    });
    expect(pushVerdict(envelope('order.remind.push', '{"order_id":"30357"}', 'T-9'))).toMatchObject({ eventId: 'order.remind.push:30357:ticket-T-9' });
  });

  it('keeps a 19-digit order id to the last digit, also when sent as a JSON number', () => {
    expect(pushVerdict(envelope('order.create', '{"order_id":8076190120874666666}'))).toMatchObject({ eventId: 'order.create:8076190120874666666' });
    expect(parseElemeJson('{"a":8076190120874666666,"b":12,"c":1.5}')).toEqual({ a: '8076190120874666666', b: 12, c: 1.5 });
  });

  it('answers but stores nothing of a command it does not take (a shop bound, a product changed)', () => {
    expect(pushVerdict(envelope('shop.bind.msg', '{"shop_list":[]}'))).toEqual({ store: false, ignored: 'shop.bind.msg: not an order push taken' });
  });

  it.each([
    ['a body that is not JSON', envelope('order.create', '{order_id')],
    ['no order id', envelope('order.create', '{}')],
    ['a status that is not a number', envelope('order.status.push', '{"order_id":"1","status":"done"}')],
    ['a refund without its state', envelope('order.reverse.push', '{"order_id":"1","refund_order_id":"2","cur_reverse_event":{}}')],
  ])('refuses %s as malformed', (_case, params) => {
    expect(refusal(() => pushVerdict(params))).toMatchObject({ code: 'MALFORMED' });
  });
});
