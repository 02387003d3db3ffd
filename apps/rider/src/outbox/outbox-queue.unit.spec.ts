import { afterAttempt, nextSeq, nextToSend, outcomeOf, recovered, retryDelayMs, type QueuedEntry } from './outbox-queue';

const entry = (id: string, seq: number, state: QueuedEntry['state'] = 'waiting'): QueuedEntry => ({ id, seq, state });
const ids = (entries: QueuedEntry[]) => entries.map((e) => `${e.id}:${e.state}`);

describe('the outbox queue', () => {
  describe('choosing what goes next', () => {
    it('sends the oldest waiting action first, whatever order they were read in', () => {
      expect(nextToSend([entry('deliver', 3), entry('pickup', 1), entry('message', 2)])?.id).toBe('pickup');
    });

    it('passes over a refused action: it stays listed but blocks nothing', () => {
      expect(nextToSend([entry('pickup', 1, 'refused'), entry('deliver', 2)])?.id).toBe('deliver');
    });

    it('has nothing to send when all that is left was refused', () => {
      expect(nextToSend([entry('pickup', 1, 'refused')])).toBeUndefined();
    });

    it('numbers a new action after every other, even when the clock went back', () => {
      expect(nextSeq([entry('a', 5_000)], 4_000)).toBe(5_001);
      expect(nextSeq([], 4_000)).toBe(4_000);
    });
  });

  describe('what a failure means', () => {
    it('takes no answer (fetch failed), a server fault, a timeout, throttling or a token to renew as the network: stop and keep', () => {
      for (const error of [
        new TypeError('Failed to fetch'),
        { status: 502, code: 'SERVICE_UNAVAILABLE' },
        { status: 503 },
        { status: 408 },
        { status: 429 },
        { status: 401 },
      ]) {
        expect(outcomeOf(error)).toEqual({ kind: 'unreachable' });
      }
    });

    it("takes any other 4xx as the service's refusal, with its code and message", () => {
      expect(outcomeOf({ status: 409, code: 'ORDER_REASSIGNED', message: 'the order has another rider' })).toEqual({
        kind: 'refused',
        refusal: { status: 409, code: 'ORDER_REASSIGNED', message: 'the order has another rider' },
      });
      expect(outcomeOf({ status: 404, message: 'no such order' })).toEqual({
        kind: 'refused',
        refusal: { status: 404, code: 'HTTP_404', message: 'no such order' },
      });
    });
  });

  describe('after an attempt', () => {
    const queue = [entry('pickup', 1, 'sending'), entry('deliver', 2), entry('message', 3)];

    it('drops a sent action and goes on with the next', () => {
      const { entries, goOn } = afterAttempt(queue, 'pickup', { kind: 'sent' });
      expect({ entries: ids(entries), goOn }).toEqual({ entries: ['deliver:waiting', 'message:waiting'], goOn: true });
    });

    it('keeps a refused action, with why, and goes on with the rest', () => {
      const refusal = { status: 409, code: 'ORDER_REASSIGNED', message: 'reassigned' };
      const { entries, goOn } = afterAttempt(queue, 'pickup', { kind: 'refused', refusal });
      expect(goOn).toBe(true);
      expect(entries[0]).toEqual({ id: 'pickup', seq: 1, state: 'refused', refusal });
      expect(nextToSend(entries)?.id).toBe('deliver');
    });

    it('puts an action the network did not carry back to wait, and stops: nothing later overtakes it', () => {
      const { entries, goOn } = afterAttempt(queue, 'pickup', { kind: 'unreachable' });
      expect({ entries: ids(entries), goOn }).toEqual({ entries: ['pickup:waiting', 'deliver:waiting', 'message:waiting'], goOn: false });
      expect(nextToSend(entries)?.id).toBe('pickup');
    });

    it('replays in the order taken: pickup, deliver, message, one refused on the way', () => {
      let entries: QueuedEntry[] = [entry('message', 3), entry('deliver', 2), entry('pickup', 1)];
      const sent: string[] = [];
      const answers: Record<string, Parameters<typeof afterAttempt>[2]> = {
        pickup: { kind: 'sent' },
        deliver: { kind: 'refused', refusal: { status: 409, code: 'ORDER_REASSIGNED', message: '' } },
        message: { kind: 'sent' },
      };
      for (let next = nextToSend(entries); next; next = nextToSend(entries)) {
        sent.push(next.id);
        entries = afterAttempt(entries, next.id, answers[next.id]).entries;
      }
      expect({ sent, left: ids(entries) }).toEqual({ sent: ['pickup', 'deliver', 'message'], left: ['deliver:refused'] });
    });
  });

  it('sends again, under its own key, an action the app was killed while sending', () => {
    expect(ids(recovered([entry('pickup', 1, 'sending'), entry('deliver', 2, 'refused')]))).toEqual(['pickup:waiting', 'deliver:refused']);
  });

  it('waits longer after each failure, two seconds first, never more than a minute', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([2_000, 4_000, 8_000, 16_000, 60_000]);
  });
});
