import { DomainError } from '@petalpost/contracts';
import { type BoardView, deliveryDecider, type DeliveryDecisionCommand, type DeliveryDecisionEvent } from './delivery.decider';

const ref = { orderId: 'o1', shopId: 's1' };
const now = '2026-02-14T10:00:00.000Z';
const board = (overrides: Partial<BoardView> = {}): BoardView => ({
  status: 'ready_for_pickup',
  riderId: null,
  windowTo: '2026-02-14T12:00:00.000Z',
  ...overrides,
});

function given(history: DeliveryDecisionEvent[]) {
  const state = history.reduce(deliveryDecider.evolve, deliveryDecider.initialState());
  return { when: (command: DeliveryDecisionCommand) => () => deliveryDecider.decide(command, state) };
}
const assign = (riderId: string, view = board()): DeliveryDecisionCommand => ({
  type: 'RequestAssignment',
  ...ref,
  riderId,
  board: view,
  source: 'manual',
  now,
});
const eta = (time: string, windowTo = '2026-02-14T12:00:00.000Z'): DeliveryDecisionCommand => ({
  type: 'RecordEta',
  ...ref,
  riderId: 'li',
  eta: time,
  windowFrom: '2026-02-14T11:00:00.000Z',
  windowTo,
  marginMinutes: 15,
  now,
});
const etaUpdated = (time: string): DeliveryDecisionEvent => ({
  type: 'EtaUpdated',
  data: { ...ref, riderId: 'li', eta: time, windowFrom: '2026-02-14T11:00:00.000Z', windowTo: '2026-02-14T12:00:00.000Z', estimatedAt: now },
});

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('delivery decisions', () => {
  it('asks for a rider on an order that may still change hands', () => {
    expect(given([]).when(assign('li'))()).toEqual([{ type: 'AssignmentRequested', data: { ...ref, riderId: 'li', source: 'manual', requestedAt: now } }]);
  });

  it('refuses an order that is not assignable, with the board’s view of it', () => {
    const error = refusal(given([]).when(assign('li', board({ status: 'out_for_delivery', riderId: 'mo' }))));
    expect(error).toMatchObject({ kind: 'conflict', code: 'ORDER_NOT_ASSIGNABLE', details: { status: 'out_for_delivery', state: { riderId: 'mo' } } });
  });

  it('does not ask for what is already so, and asks again for what the board does not show yet', () => {
    expect(given([]).when(assign('li', board({ riderId: 'li' })))()).toEqual([]);
    // The orders service may have refused the first request, or staff freed the rider since.
    const asked: DeliveryDecisionEvent = { type: 'AssignmentRequested', data: { ...ref, riderId: 'li', source: 'manual', requestedAt: now } };
    expect(given([asked]).when(assign('li'))()).toHaveLength(1);
    expect(given([asked]).when(assign('mo'))()).toHaveLength(1);
  });

  it('frees a rider only while the shop still has the flowers', () => {
    const unassign = (view: BoardView): DeliveryDecisionCommand => ({ type: 'RequestUnassignment', ...ref, board: view, source: 'manual', now });
    expect(given([]).when(unassign(board({ riderId: 'li' })))()).toEqual([
      { type: 'UnassignmentRequested', data: { ...ref, riderId: 'li', source: 'manual', requestedAt: now } },
    ]);
    expect(refusal(given([]).when(unassign(board()))).code).toBe('NO_RIDER_ASSIGNED');
    expect(refusal(given([]).when(unassign(board({ status: 'out_for_delivery', riderId: 'li' })))).code).toBe('RIDER_HAS_THE_FLOWERS');
  });

  it('tells of an ETA that moved by a minute or more, not of jitter', () => {
    expect(given([]).when(eta('2026-02-14T11:20:00.000Z'))()).toEqual([etaUpdated('2026-02-14T11:20:00.000Z')]);
    expect(given([etaUpdated('2026-02-14T11:20:00.000Z')]).when(eta('2026-02-14T11:20:40.000Z'))()).toEqual([]);
    expect(given([etaUpdated('2026-02-14T11:20:00.000Z')]).when(eta('2026-02-14T11:21:00.000Z'))()).toHaveLength(1);
  });

  it('tells the ETA of a new rider even when it is as close as the last rider’s', () => {
    const another: DeliveryDecisionCommand = { ...(eta('2026-02-14T11:20:10.000Z') as Extract<DeliveryDecisionCommand, { type: 'RecordEta' }>), riderId: 'mo' };
    expect(given([etaUpdated('2026-02-14T11:20:00.000Z')]).when(another)()).toEqual([
      { type: 'EtaUpdated', data: { ...etaUpdated('2026-02-14T11:20:10.000Z').data, riderId: 'mo' } },
    ]);
  });

  it('flags a delivery at risk once the ETA passes the window’s end minus the margin, once per window', () => {
    const risky = given([]).when(eta('2026-02-14T11:50:00.000Z'))();
    expect(risky.map((e) => e.type)).toEqual(['EtaUpdated', 'DeliveryAtRisk']);
    expect(risky[1].data).toMatchObject({ eta: '2026-02-14T11:50:00.000Z', windowTo: '2026-02-14T12:00:00.000Z', marginMinutes: 15 });
    const history = risky;
    expect(
      given(history)
        .when(eta('2026-02-14T11:55:00.000Z'))()
        .map((e) => e.type),
    ).toEqual(['EtaUpdated']);
    // A new window that is at risk again is news again.
    expect(
      given(history)
        .when(eta('2026-02-14T12:55:00.000Z', '2026-02-14T13:00:00.000Z'))()
        .map((e) => e.type),
    ).toEqual(['EtaUpdated', 'DeliveryAtRisk']);
  });

  it('flags at once an ETA past the order’s hard deadline, even when its window was flagged already, once per deadline', () => {
    const deadline = '2026-02-14T12:30:00.000Z';
    const funeral = (time: string): DeliveryDecisionCommand => ({ ...(eta(time) as Extract<DeliveryDecisionCommand, { type: 'RecordEta' }>), deadline });
    const atRisk = given([]).when(funeral('2026-02-14T11:50:00.000Z'))();
    expect(atRisk.map((e) => e.type)).toEqual(['EtaUpdated', 'DeliveryAtRisk']);
    expect(atRisk[1].data).not.toHaveProperty('deadline');
    const missed = given(atRisk).when(funeral('2026-02-14T12:40:00.000Z'))();
    expect(missed).toEqual([
      etaUpdated('2026-02-14T12:40:00.000Z'),
      {
        type: 'DeliveryAtRisk',
        data: { ...ref, riderId: 'li', eta: '2026-02-14T12:40:00.000Z', windowTo: '2026-02-14T12:00:00.000Z', marginMinutes: 15, deadline, flaggedAt: now },
      },
    ]);
    expect(
      given([...atRisk, ...missed])
        .when(funeral('2026-02-14T12:45:00.000Z'))()
        .map((e) => e.type),
    ).toEqual(['EtaUpdated']);
    // Past the deadline at the first estimate: one flag says both.
    expect(given([]).when(funeral('2026-02-14T12:40:00.000Z'))()[1].data).toMatchObject({ deadline });
  });

  it('calls a delivery late only once its window has closed, and only once', () => {
    const late = (time: string): DeliveryDecisionCommand => ({ type: 'RecordLate', ...ref, riderId: 'li', windowTo: '2026-02-14T12:00:00.000Z', now: time });
    expect(given([]).when(late('2026-02-14T11:59:00.000Z'))()).toEqual([]);
    const flagged = given([]).when(late('2026-02-14T12:01:00.000Z'))();
    expect(flagged).toEqual([
      { type: 'DeliveryLate', data: { ...ref, riderId: 'li', windowTo: '2026-02-14T12:00:00.000Z', flaggedAt: '2026-02-14T12:01:00.000Z' } },
    ]);
    expect(given(flagged).when(late('2026-02-14T12:05:00.000Z'))()).toEqual([]);
  });
});
