import {
  DomainError,
  type ExceptionDetails,
  type ExceptionEvent,
  type ExceptionOutcome,
  type ExceptionStatus,
  type ExceptionType,
  exhaustive,
  type ReporterPosition,
  type Role,
} from '@petalpost/contracts';

/**
 * An exception report's life: reported → acknowledged (by whom, when) → resolved with an outcome.
 * A report nobody acknowledges in time is escalated once. Time comes in with every command.
 */

export type PersonRef = { role: Role; subject: string };

export type ExceptionCommand =
  | {
      type: 'ReportException';
      exceptionId: string;
      orderId: string;
      shopId: string;
      riderId?: string;
      details: ExceptionDetails;
      position: ReporterPosition;
      by: PersonRef;
      now: string;
    }
  | { type: 'AcknowledgeException'; by: PersonRef; now: string }
  | { type: 'ResolveException'; outcome: ExceptionOutcome; note?: string; by: PersonRef; now: string }
  | { type: 'EscalateException'; escalateAfterSeconds: number; now: string };

export type ExceptionReport = {
  status: ExceptionStatus;
  exceptionId: string;
  orderId: string;
  shopId: string;
  riderId?: string;
  exceptionType: ExceptionType;
  details: ExceptionDetails;
  position: ReporterPosition;
  reportedBy: PersonRef;
  reportedAt: string;
  acknowledgedBy?: PersonRef;
  acknowledgedAt?: string;
  resolvedBy?: PersonRef;
  resolvedAt?: string;
  outcome?: ExceptionOutcome;
  resolutionNote?: string;
  escalatedAt?: string;
};

export type ExceptionState = { status: 'none' } | ExceptionReport;

export const initialState = (): ExceptionState => ({ status: 'none' });

export function evolve(state: ExceptionState, event: ExceptionEvent): ExceptionState {
  switch (event.type) {
    case 'ExceptionReported': {
      const d = event.data;
      return {
        status: 'reported',
        exceptionId: d.exceptionId,
        orderId: d.orderId,
        shopId: d.shopId,
        ...(d.riderId ? { riderId: d.riderId } : {}),
        exceptionType: d.details.type,
        details: d.details,
        position: d.position,
        reportedBy: d.reportedBy,
        reportedAt: d.reportedAt,
      };
    }
    case 'ExceptionAcknowledged':
      return state.status === 'none'
        ? state
        : { ...state, status: 'acknowledged', acknowledgedBy: event.data.acknowledgedBy, acknowledgedAt: event.data.acknowledgedAt };
    case 'ExceptionResolved': {
      if (state.status === 'none') return state;
      const { outcome, note, resolvedBy, resolvedAt } = event.data;
      return { ...state, status: 'resolved', outcome, resolvedBy, resolvedAt, ...(note ? { resolutionNote: note } : {}) };
    }
    case 'ExceptionEscalated':
      return state.status === 'none' ? state : { ...state, escalatedAt: event.data.escalatedAt };
    default:
      return exhaustive(event);
  }
}

export function decide(command: ExceptionCommand, state: ExceptionState): ExceptionEvent[] {
  switch (command.type) {
    case 'ReportException': {
      if (state.status !== 'none') throw refusal('EXCEPTION_ALREADY_REPORTED', 'this exception was already reported', state);
      const { exceptionId, orderId, shopId, riderId, details, position, by, now } = command;
      return [
        {
          type: 'ExceptionReported',
          data: { exceptionId, orderId, shopId, ...(riderId ? { riderId } : {}), details, position, reportedBy: by, reportedAt: now },
        },
      ];
    }
    case 'AcknowledgeException': {
      const report = existing(state);
      if (report.status === 'acknowledged')
        throw refusal('EXCEPTION_ALREADY_ACKNOWLEDGED', `already acknowledged by ${report.acknowledgedBy?.subject}`, report);
      if (report.status === 'resolved') throw refusal('EXCEPTION_ALREADY_RESOLVED', 'a resolved exception needs no acknowledgement', report);
      return [{ type: 'ExceptionAcknowledged', data: { ...refOf(report), ...riderOf(report), acknowledgedBy: command.by, acknowledgedAt: command.now } }];
    }
    case 'ResolveException': {
      const report = existing(state);
      if (report.status === 'reported') throw refusal('EXCEPTION_NOT_ACKNOWLEDGED', 'acknowledge the exception before resolving it', report);
      if (report.status === 'resolved') throw refusal('EXCEPTION_ALREADY_RESOLVED', `already resolved (${report.outcome})`, report);
      const { outcome, note, by, now } = command;
      return [
        { type: 'ExceptionResolved', data: { ...refOf(report), ...riderOf(report), outcome, ...(note ? { note } : {}), resolvedBy: by, resolvedAt: now } },
      ];
    }
    case 'EscalateException': {
      // Escalation is the system's own move: anything but a due, unescalated, unacknowledged report is not a refusal, just nothing to do.
      if (state.status !== 'reported' || state.escalatedAt) return [];
      const waited = Math.floor((Date.parse(command.now) - Date.parse(state.reportedAt)) / 1000);
      if (waited < command.escalateAfterSeconds) return [];
      return [
        {
          type: 'ExceptionEscalated',
          data: { ...refOf(state), exceptionType: state.exceptionType, reportedAt: state.reportedAt, unacknowledgedSeconds: waited, escalatedAt: command.now },
        },
      ];
    }
    default:
      return exhaustive(command);
  }
}

export const exceptionDecider = { streamType: 'exception', initialState, evolve, decide };

function existing(state: ExceptionState): ExceptionReport {
  if (state.status === 'none') throw new DomainError('not_found', 'EXCEPTION_NOT_FOUND', 'no such exception');
  return state;
}

/** The rider the report named: the acknowledgement and the decision are theirs to hear too (notifications routes by `data.riderId`). */
const riderOf = (report: ExceptionReport) => (report.riderId ? { riderId: report.riderId } : {});

function refOf(report: ExceptionReport) {
  return { exceptionId: report.exceptionId, orderId: report.orderId, shopId: report.shopId };
}

/** An illegal step: 409, naming the rule and the exception as it is. */
function refusal(code: string, message: string, state: ExceptionReport): DomainError {
  return new DomainError('conflict', code, message, { status: state.status, state });
}
