import { eventTypesProblem, matchesEventType, replayedEventTypes } from './webhook-event-types';

describe('which events a subscription receives', () => {
  it('receives the types it names, exactly', () => {
    expect(matchesEventType(['OrderPlaced', 'OrderDelivered'], 'OrderDelivered')).toBe(true);
    expect(matchesEventType(['OrderPlaced'], 'OrderPaid')).toBe(false);
    expect(matchesEventType(['OrderPlaced'], 'orderplaced')).toBe(false);
  });

  it('receives every type, also ones invented after it subscribed, with "*"', () => {
    expect(matchesEventType(['*'], 'OrderPlaced')).toBe(true);
    expect(matchesEventType(['*'], 'RiderShiftStarted')).toBe(true);
  });
});

describe('a list of event types to subscribe to', () => {
  it('is fine as type names, or "*" alone', () => {
    expect(eventTypesProblem(['OrderPlaced', 'OrderDelivered'])).toBeUndefined();
    expect(eventTypesProblem(['*'])).toBeUndefined();
  });

  it('is refused when empty, when "*" comes with names, when a name is not a type name, or named twice', () => {
    expect(eventTypesProblem([])).toMatch(/at least one/);
    expect(eventTypesProblem(['*', 'OrderPlaced'])).toMatch(/alone/);
    expect(eventTypesProblem(['order.created'])).toMatch(/not an event type name/);
    expect(eventTypesProblem(['Order*'])).toMatch(/not an event type name/);
    expect(eventTypesProblem(['OrderPaid', 'OrderPaid'])).toMatch(/twice/);
  });
});

describe('the types a replay re-sends', () => {
  it('are the subscription’s own when the replay does not narrow them', () => {
    expect(replayedEventTypes(['*'])).toBe('all');
    expect(replayedEventTypes(['OrderPlaced'])).toEqual(['OrderPlaced']);
    expect(replayedEventTypes(['OrderPlaced'], ['*'])).toEqual(['OrderPlaced']);
  });

  it('are narrowed to the asked ones, never widened beyond the subscription', () => {
    expect(replayedEventTypes(['*'], ['OrderPaid'])).toEqual(['OrderPaid']);
    expect(replayedEventTypes(['OrderPlaced', 'OrderPaid'], ['OrderPaid', 'OrderDelivered'])).toEqual(['OrderPaid']);
    expect(replayedEventTypes(['OrderPlaced'], ['OrderDelivered'])).toEqual([]);
  });
});
