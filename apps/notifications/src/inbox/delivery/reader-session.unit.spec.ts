import type { InboxEntry } from '../inbox.store';
import type { Frame, Outlet } from './frames';
import { ReaderSession } from './reader-session';

/** A connection whose client takes what it is sent only when told to. */
class SlowOutlet implements Outlet {
  readonly sent: Frame[] = [];
  readonly wire: string[] = [];
  unsent = 0;
  open = true;
  send(frame: Frame, json: string): void {
    this.sent.push(frame);
    this.wire.push(json);
  }
  bufferedBytes(): number {
    return this.unsent;
  }
  close(): void {
    this.open = false;
  }
}

const entry = (seq: number, audience = 'shop:s1'): InboxEntry => ({
  audience,
  seq,
  eventId: `e${seq}`,
  eventType: 'OrderAccepted',
  orderId: 'o1',
  critical: false,
  data: { orderId: 'o1' },
  occurredAt: '2026-02-14T09:00:00.000Z',
});
const position = (n: number) => ({
  type: 'position' as const,
  audience: 'shop:s1',
  riderId: 'li',
  lat: 52 + n / 1000,
  lng: 5,
  recordedAt: `2026-02-14T12:00:${String(n).padStart(2, '0')}Z`,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a reader session', () => {
  const session = (outlet: SlowOutlet) =>
    new ReaderSession({ role: 'staff', shopId: 's1', sub: 'alice' }, ['shop:s1'], outlet, { positionFlushMs: 50, behindBytes: 1024 });

  it('sends each entry once, only as the next of its audience', () => {
    const outlet = new SlowOutlet();
    const reader = session(outlet);
    reader.startAfter('shop:s1', 4);
    expect([entry(4), entry(6), entry(5), entry(5), entry(6)].map((e) => reader.deliver(e, 0))).toEqual([false, false, true, false, true]);
    expect(outlet.sent.map((f) => (f.type === 'notification' ? f.seq : undefined))).toEqual([5, 6]);
  });

  it('puts on the wire exactly the frame it sent, to every reader of the entry, re-sends marked', () => {
    const [outletA, outletB] = [new SlowOutlet(), new SlowOutlet()];
    const [a, b] = [session(outletA), session(outletB)];
    a.startAfter('shop:s1', 4);
    b.startAfter('shop:s1', 4);
    const critical = { ...entry(5), critical: true, data: { orderId: 'o1', note: 'quote " and \\ and \u2028' } };
    a.deliver(critical, 0);
    b.deliver(critical, 0);
    a.resend(critical, 1);
    for (const outlet of [outletA, outletB]) expect(outlet.wire.map((json) => JSON.parse(json) as unknown)).toEqual(outlet.sent);
    expect(outletA.sent).toEqual([expect.objectContaining({ seq: 5, critical: true, alert: true }), expect.objectContaining({ seq: 5, resent: true })]);
    expect(outletA.sent[0]).not.toHaveProperty('resent');
    expect((outletA.sent[0] as { cursor: string }).cursor).toBe(a.cursor());
  });

  it('keeps only the latest position per rider while the client is behind, and sends it once it catches up', async () => {
    const outlet = new SlowOutlet();
    const reader = session(outlet);
    outlet.unsent = 10_000;
    for (let n = 1; n <= 50; n++) reader.offerPosition('shop:s1|li', position(n));
    await sleep(200);
    expect(outlet.sent).toEqual([]);
    outlet.unsent = 0;
    await sleep(120);
    expect(outlet.sent).toEqual([position(50)]);
    reader.dispose();
  });

  it('sends positions at most once per flush interval', async () => {
    const outlet = new SlowOutlet();
    const reader = session(outlet);
    const started = Date.now();
    for (let n = 1; n <= 20; n++) {
      reader.offerPosition('shop:s1|li', position(n));
      await sleep(5);
    }
    await sleep(120);
    // One at once, then at most one per 50 ms interval that passed.
    expect(outlet.sent.length).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / 50));
    expect(outlet.sent.length).toBeLessThan(20);
    expect(outlet.sent.at(-1)).toEqual(position(20));
    reader.dispose();
  });
});
