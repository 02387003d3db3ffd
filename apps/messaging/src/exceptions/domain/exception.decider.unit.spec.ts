import type { ExceptionEvent } from '@petalpost/contracts';
import { specFor } from '@petalpost/testing';
import { type ExceptionCommand, exceptionDecider } from './exception.decider';

const spec = specFor(exceptionDecider);
const ref = { exceptionId: 'x1', orderId: 'o1', shopId: 's1' };
const rita = { role: 'rider' as const, subject: 'rita' };
const alice = { role: 'staff' as const, subject: 'alice' };
const position = { lat: 52.09, lng: 5.12, accuracy: 8 };
const reportedAt = '2026-02-14T09:00:00.000Z';

const report: ExceptionCommand = {
  type: 'ReportException',
  ...ref,
  riderId: 'rita',
  details: { type: 'address_not_found', suggestedAddress: 'Lindenlaan 5' },
  position,
  by: rita,
  now: reportedAt,
};
const reported: ExceptionEvent = {
  type: 'ExceptionReported',
  data: { ...ref, riderId: 'rita', details: { type: 'address_not_found', suggestedAddress: 'Lindenlaan 5' }, position, reportedBy: rita, reportedAt },
};
const acknowledged: ExceptionEvent = {
  type: 'ExceptionAcknowledged',
  data: { ...ref, riderId: 'rita', acknowledgedBy: alice, acknowledgedAt: '2026-02-14T09:02:00.000Z' },
};
const resolved: ExceptionEvent = {
  type: 'ExceptionResolved',
  data: { ...ref, riderId: 'rita', outcome: 'address_corrected', note: 'Number 5, not 3', resolvedBy: alice, resolvedAt: '2026-02-14T09:20:00.000Z' },
};
const escalated: ExceptionEvent = {
  type: 'ExceptionEscalated',
  data: { ...ref, exceptionType: 'address_not_found', reportedAt, unacknowledgedSeconds: 300, escalatedAt: '2026-02-14T09:05:00.000Z' },
};

const acknowledge: ExceptionCommand = { type: 'AcknowledgeException', by: alice, now: '2026-02-14T09:02:00.000Z' };
const resolve: ExceptionCommand = {
  type: 'ResolveException',
  outcome: 'address_corrected',
  note: 'Number 5, not 3',
  by: alice,
  now: '2026-02-14T09:20:00.000Z',
};
const escalateAt = (now: string): ExceptionCommand => ({ type: 'EscalateException', escalateAfterSeconds: 300, now });

describe('exception decider', () => {
  describe('no report yet', () => {
    it('records a report with its details, position, rider and reporter', () => spec.given([]).when(report).then([reported]));
    it('records a report of a rider with no rider assigned to the order (staff reporting) without a rider', () =>
      spec
        .given([])
        .when({ ...report, riderId: undefined, by: alice, details: { type: 'other', text: 'Gate locked' } })
        .then([{ type: 'ExceptionReported', data: { ...ref, details: { type: 'other', text: 'Gate locked' }, position, reportedBy: alice, reportedAt } }]));
    it('refuses to acknowledge an exception that does not exist', () => {
      spec.given([]).when(acknowledge).thenRefuses('EXCEPTION_NOT_FOUND', 'not_found');
    });
    it('refuses to resolve an exception that does not exist', () => {
      spec.given([]).when(resolve).thenRefuses('EXCEPTION_NOT_FOUND', 'not_found');
    });
    it('has nothing to escalate', () => spec.given([]).when(escalateAt('2026-02-14T10:00:00.000Z')).then([]));
  });

  describe('reported', () => {
    it('is acknowledged by whom and when, naming the rider of the report so they hear of it', () =>
      spec.given([reported]).when(acknowledge).then([acknowledged]));
    it('is acknowledged and resolved naming no rider when the report named none', () => {
      const unridden: ExceptionEvent = {
        type: 'ExceptionReported',
        data: { ...ref, details: { type: 'other', text: 'Gate locked' }, position, reportedBy: alice, reportedAt },
      };
      spec
        .given([unridden])
        .when(acknowledge)
        .then([{ type: 'ExceptionAcknowledged', data: { ...ref, acknowledgedBy: alice, acknowledgedAt: '2026-02-14T09:02:00.000Z' } }]);
      const { riderId: _none, ...decided } = (resolved as Extract<ExceptionEvent, { type: 'ExceptionResolved' }>).data;
      spec
        .given([unridden, acknowledged])
        .when(resolve)
        .then([{ type: 'ExceptionResolved', data: decided }]);
    });
    it('refuses to be resolved before anyone acknowledged it, with the current state', () => {
      const error = spec.given([reported]).when(resolve).thenRefuses('EXCEPTION_NOT_ACKNOWLEDGED', 'conflict');
      expect(error.details).toMatchObject({ status: 'reported', state: { status: 'reported', exceptionId: 'x1' } });
    });
    it('refuses to be reported twice', () => {
      spec.given([reported]).when(report).thenRefuses('EXCEPTION_ALREADY_REPORTED', 'conflict');
    });
    it('is not escalated before the deadline', () => spec.given([reported]).when(escalateAt('2026-02-14T09:04:59.999Z')).then([]));
    it('is escalated once the deadline passed, saying how long it waited', () =>
      spec.given([reported]).when(escalateAt('2026-02-14T09:05:00.000Z')).then([escalated]));
    it('is escalated only once', () => spec.given([reported, escalated]).when(escalateAt('2026-02-14T09:30:00.000Z')).then([]));
    it('can still be acknowledged after escalation', () => spec.given([reported, escalated]).when(acknowledge).then([acknowledged]));
  });

  describe('acknowledged', () => {
    it('is resolved with an outcome and a note', () => spec.given([reported, acknowledged]).when(resolve).then([resolved]));
    it('is resolved without a note', () =>
      spec
        .given([reported, acknowledged])
        .when({ type: 'ResolveException', outcome: 'refunded', by: alice, now: '2026-02-14T09:20:00.000Z' })
        .then([
          { type: 'ExceptionResolved', data: { ...ref, riderId: 'rita', outcome: 'refunded', resolvedBy: alice, resolvedAt: '2026-02-14T09:20:00.000Z' } },
        ]));
    it('refuses a second acknowledgement, naming who acknowledged', () => {
      const error = spec
        .given([reported, acknowledged])
        .when({ ...acknowledge, by: { role: 'dispatcher', subject: 'dana' } })
        .thenRefuses('EXCEPTION_ALREADY_ACKNOWLEDGED', 'conflict');
      expect(error.message).toContain('alice');
      expect(error.details).toMatchObject({ status: 'acknowledged' });
    });
    it('is never escalated', () => spec.given([reported, acknowledged]).when(escalateAt('2026-02-14T10:00:00.000Z')).then([]));
    it('refuses to be reported again', () => {
      spec.given([reported, acknowledged]).when(report).thenRefuses('EXCEPTION_ALREADY_REPORTED', 'conflict');
    });
  });

  describe('resolved', () => {
    const history = [reported, acknowledged, resolved];
    it('refuses another resolution', () => {
      const error = spec.given(history).when(resolve).thenRefuses('EXCEPTION_ALREADY_RESOLVED', 'conflict');
      expect(error.details).toMatchObject({ status: 'resolved', state: { outcome: 'address_corrected' } });
    });
    it('refuses an acknowledgement', () => {
      spec.given(history).when(acknowledge).thenRefuses('EXCEPTION_ALREADY_RESOLVED', 'conflict');
    });
    it('refuses to be reported again', () => {
      spec.given(history).when(report).thenRefuses('EXCEPTION_ALREADY_REPORTED', 'conflict');
    });
    it('is never escalated', () => spec.given(history).when(escalateAt('2026-02-14T10:00:00.000Z')).then([]));
  });

  it('folds the whole life into the state: time to acknowledge and to resolve can be read from it', () => {
    const state = [reported, acknowledged, resolved].reduce(exceptionDecider.evolve, exceptionDecider.initialState());
    expect(state).toEqual({
      status: 'resolved',
      ...ref,
      riderId: 'rita',
      exceptionType: 'address_not_found',
      details: { type: 'address_not_found', suggestedAddress: 'Lindenlaan 5' },
      position,
      reportedBy: rita,
      reportedAt,
      acknowledgedBy: alice,
      acknowledgedAt: '2026-02-14T09:02:00.000Z',
      resolvedBy: alice,
      resolvedAt: '2026-02-14T09:20:00.000Z',
      outcome: 'address_corrected',
      resolutionNote: 'Number 5, not 3',
    });
  });
});
