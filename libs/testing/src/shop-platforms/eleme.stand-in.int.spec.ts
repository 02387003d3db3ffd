import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { elemeOrderDetail, elemeSignOf, startElemeStandIn, type ElemeStandIn } from './index';

// The stand-in is what proves the Ele.me connector speaks Ele.me's envelope, so each refusal here
// is a call Ele.me itself would not take.

describe('the Ele.me 零售 stand-in', () => {
  let eleme: ElemeStandIn;
  beforeAll(async () => {
    eleme = await startElemeStandIn({ source: '34665', secret: 'hush-secret' });
  });
  afterAll(() => eleme.close());

  const call = async (cmd: string, body: unknown, change: (params: Record<string, string>) => void = () => undefined) => {
    const params: Record<string, string> = {
      cmd,
      body: JSON.stringify(body),
      source: eleme.source,
      ticket: randomUUID().toUpperCase(),
      timestamp: String(Math.floor(Date.now() / 1000)),
      version: '3',
      encrypt: '',
    };
    params.sign = elemeSignOf(params, eleme.secret);
    change(params);
    const response = await fetch(`${eleme.apiOrigin}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, answer: (await response.json()) as { cmd: string; sign: string; body: { errno: number; error: string; data: unknown } } };
  };
  const lastRefusal = () => eleme.calls().at(-1)?.refused;

  it('signs as computed by hand: the upper-case MD5 of the sorted parameters with the secret', () => {
    // printf '%s' 'body={"order_id":"3035779590075503"}&cmd=order.get&encrypt=&secret=hush-secret&source=34665&ticket=5D67EC2B-D793-44AC-A0A9-2B68DF8873B0&timestamp=1739520000&version=3' | md5sum
    const params = {
      cmd: 'order.get',
      body: '{"order_id":"3035779590075503"}',
      source: '34665',
      ticket: '5D67EC2B-D793-44AC-A0A9-2B68DF8873B0',
      timestamp: '1739520000',
      version: '3',
      encrypt: '',
    };
    expect(elemeSignOf(params, 'hush-secret')).toBe('74EEC5DB88AFC72603C163CABC1E0794');
  });

  it('serves order.get for a signed call, its answer a signed resp envelope', async () => {
    eleme.putOrder(elemeOrderDetail('3035779590075503', eleme.shopId));
    const { status, answer } = await call('order.get', { order_id: '3035779590075503' });
    expect(status).toBe(200);
    expect(answer.cmd).toBe('resp.order.get');
    expect(answer.body).toMatchObject({ errno: 0, error: 'success', data: { order: { order_id: '3035779590075503' }, user: { phone: '13800138000,1234' } } });
    const strings = Object.fromEntries(Object.entries(answer).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    expect(answer.sign).toBe(elemeSignOf(strings, eleme.secret));
  });

  it.each([
    ['a wrong sign', (p: Record<string, string>) => void (p.sign = '0'.repeat(32)), 'sign error'],
    ['a body changed after signing', (p: Record<string, string>) => void (p.body = '{"order_id":"1"}'), 'sign error'],
    ['another app key', (p: Record<string, string>) => void (p.source = '1'), 'source 1 is not the app'],
    ['an old timestamp', (p: Record<string, string>) => void (p.timestamp = '1500000000'), 'timestamp 1500000000'],
    ['version 2', (p: Record<string, string>) => void (p.version = '2'), 'version 2'],
    ['no ticket', (p: Record<string, string>) => void delete p.ticket, 'ticket is required'],
  ])('refuses %s Ele.me’s way: HTTP 200 and errno not 0', async (_case, change, reason) => {
    const { status, answer } = await call('order.get', { order_id: '3035779590075503' }, change);
    expect(status).toBe(200);
    expect(answer.body.errno).not.toBe(0);
    expect(lastRefusal()).toContain(reason);
  });

  it('records write-backs in order and refuses a state sync of the wrong shape', async () => {
    eleme.putOrder(elemeOrderDetail('401', eleme.shopId));
    const knight = { id: 'rider-7', name: '王师傅', phone: '13900001111' };
    expect((await call('order.confirm', { order_id: '401' })).answer.body.errno).toBe(0);
    expect((await call('order.pickcomplete', { order_id: '401' })).answer.body.errno).toBe(0);
    expect((await call('order.selfDeliveryStateSync', { order_id: '401', distributor_id: 201, selfStatus: 20, knight })).answer.body.errno).toBe(0);
    const location = { UTC: Math.floor(Date.now() / 1000), altitude: 0, latitude: 39.91567, longitude: 116.410232 };
    expect((await call('order.selfDeliveryLocationSync', { order_id: '401', location })).answer.body.errno).toBe(0);

    expect((await call('order.selfDeliveryStateSync', { order_id: '401', distributor_id: 2, selfStatus: 20, knight })).answer.body.errno).not.toBe(0);
    expect(lastRefusal()).toContain('distributor_id');
    expect(
      (await call('order.selfDeliveryLocationSync', { order_id: '401', location: { ...location, latitude: 52.37, longitude: 4.89 } })).answer.body.errno,
    ).not.toBe(0);
    expect(lastRefusal()).toContain('location.longitude');

    expect(eleme.writebacks('401').map((w) => w.cmd)).toEqual([
      'order.confirm',
      'order.pickcomplete',
      'order.selfDeliveryStateSync',
      'order.selfDeliveryLocationSync',
    ]);
    expect(eleme.order('401')?.order.status).toBe(5);
  });

  it('refuses the other self-delivery track on an order that used one, and says so', async () => {
    eleme.putOrder(elemeOrderDetail('402', eleme.shopId));
    const knight = { id: 'rider-7', name: '王师傅', phone: '13900001111' };
    expect((await call('order.selfDeliveryStateSync', { order_id: '402', distributor_id: 201, selfStatus: 3, knight })).answer.body.errno).toBe(0);
    expect((await call('order.sendout', { order_id: '402' })).answer.body.errno).not.toBe(0);
    expect(lastRefusal()).toBe('both self-delivery tracks used for order 402');
  });

  it('refuses the next calls as a busy gateway does, then takes them again', async () => {
    eleme.putOrder(elemeOrderDetail('403', eleme.shopId));
    eleme.refuseNext(2, ['order.confirm']);
    expect((await call('order.get', { order_id: '403' })).answer.body.errno).toBe(0);
    expect((await call('order.confirm', { order_id: '403' })).answer.body).toMatchObject({ errno: 5001, error: '系统繁忙，请稍后重试' });
    expect((await call('order.confirm', { order_id: '403' })).answer.body.errno).toBe(5001);
    expect((await call('order.confirm', { order_id: '403' })).answer.body.errno).toBe(0);
    expect(eleme.writebacks('403')).toHaveLength(1);
  });

  it('refuses an order the shop does not have', async () => {
    expect((await call('order.get', { order_id: '999' })).answer.body).toMatchObject({ errno: 2001 });
  });

  describe('pushes', () => {
    let receiver: Server;
    let url: string;
    let received: Array<{ contentType?: string; body: string }>;
    let answer: (body: Record<string, string>) => string;
    beforeAll(async () => {
      received = [];
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (c: Buffer) => chunks.push(c));
        request.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          received.push({ contentType: request.headers['content-type'], body });
          response.writeHead(200, { 'content-type': 'application/json' }).end(answer(Object.fromEntries(new URLSearchParams(body))));
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/push`;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    const signedAnswer = (push: Record<string, string>, cmd = `resp.${push.cmd}`) => {
      const envelope: Record<string, string> = {
        body: '{"errno":0,"error":"success","data":{}}',
        cmd,
        source: push.source,
        ticket: push.ticket,
        timestamp: push.timestamp,
        version: '3',
      };
      return JSON.stringify({ ...envelope, sign: elemeSignOf(envelope, 'hush-secret') });
    };

    it('sends a form-encoded push signed as computed by hand, and reads a signed answer', async () => {
      answer = (push) => signedAnswer(push);
      const sent = await eleme.push(url, { cmd: 'order.create', body: { order_id: '3035779590075503' }, ticket: 'T-1', timestamp: 1739520000 });
      expect(received.at(-1)?.contentType).toBe('application/x-www-form-urlencoded; charset=UTF-8');
      // printf '%s' 'body={"order_id":"3035779590075503"}&cmd=order.create&encrypt=&secret=hush-secret&source=34665&ticket=T-1&timestamp=1739520000&version=3' | md5sum
      expect(Object.fromEntries(new URLSearchParams(received.at(-1)!.body))).toEqual({
        cmd: 'order.create',
        body: '{"order_id":"3035779590075503"}',
        source: '34665',
        ticket: 'T-1',
        timestamp: '1739520000',
        version: '3',
        encrypt: '',
        sign: '14A42E4E19BA3E768156552E519277D2',
      });
      expect(sent).toMatchObject({ status: 200, errno: 0, error: 'success', signed: true });
      expect(sent.problem).toBeUndefined();
    });

    it('notices an answer for another cmd, or one not signed', async () => {
      answer = (push) => signedAnswer(push, 'resp.order.get');
      expect(await eleme.push(url, { cmd: 'order.create', body: { order_id: '1' } })).toMatchObject({
        problem: "the answer's cmd is resp.order.get, not resp.order.create",
      });
      answer = () => JSON.stringify({ cmd: 'resp.order.create', body: '{"errno":0,"error":"success","data":{}}' });
      expect(await eleme.push(url, { cmd: 'order.create', body: { order_id: '1' } })).toMatchObject({ errno: 0, signed: false });
      answer = () => 'ok';
      expect(await eleme.push(url, { cmd: 'order.create', body: { order_id: '1' } })).toMatchObject({ problem: 'the answer is not JSON' });
    });

    it('forges a push when told to sign with another secret', async () => {
      answer = (push) => signedAnswer(push);
      await eleme.push(url, { cmd: 'order.create', body: { order_id: '1' }, signWith: 'not-the-secret', ticket: 'T-1', timestamp: 1739520000 });
      const sent = Object.fromEntries(new URLSearchParams(received.at(-1)!.body));
      expect(sent.sign).not.toBe(elemeSignOf(sent, 'hush-secret'));
      expect(sent.sign).toBe(elemeSignOf(sent, 'not-the-secret'));
    });
  });
});
