import { type DecisionSource, DomainError, exhaustive } from '@petalpost/contracts';

/**
 * Dispatch's decisions about one order's delivery, one stream per order (`delivery-<orderId>`):
 * who should take it, and what dispatch predicts of its arrival. The order itself belongs to the
 * orders service: a decision here becomes a command there (the relay sends it), and what dispatch
 * knows of the order comes in with each command, as the board last saw it.
 */

/** The board's view of the order when the decision is taken (the deliveries projection). */
export interface BoardView {
  status: string;
  riderId: string | null;
  windowTo: string;
}

/** The board statuses in which the orders service still lets the order change hands. */
export const ASSIGNABLE_STATUSES: readonly string[] = ['awaiting_assignment', 'ready_for_pickup'];

export const deliveryStream = (orderId: string) => `delivery-${orderId}`;

type Ref = { orderId: string; shopId: string };

export type DeliveryDecisionEvent =
  | { type: 'AssignmentRequested'; data: Ref & { riderId: string; source: DecisionSource; planId?: string; requestedAt: string } }
  | { type: 'UnassignmentRequested'; data: Ref & { riderId: string; reason?: string; source: DecisionSource; requestedAt: string } }
  | { type: 'EtaUpdated'; data: Ref & { riderId?: string; eta: string; windowFrom: string; windowTo: string; estimatedAt: string } }
  | { type: 'DeliveryAtRisk'; data: Ref & { riderId?: string; eta: string; windowTo: string; marginMinutes: number; deadline?: string; flaggedAt: string } }
  | { type: 'DeliveryLate'; data: Ref & { riderId?: string; eta?: string; windowTo: string; flaggedAt: string } };

export type DeliveryDecisionCommand =
  | { type: 'RequestAssignment'; orderId: string; shopId: string; riderId: string; board: BoardView; source: DecisionSource; planId?: string; now: string }
  | { type: 'RequestUnassignment'; orderId: string; shopId: string; board: BoardView; reason?: string; source: DecisionSource; now: string }
  | {
      type: 'RecordEta';
      orderId: string;
      shopId: string;
      riderId?: string;
      eta: string;
      windowFrom: string;
      windowTo: string;
      deadline?: string;
      marginMinutes: number;
      now: string;
    }
  | { type: 'RecordLate'; orderId: string; shopId: string; riderId?: string; eta?: string; windowTo: string; now: string };

export interface DeliveryDecisions {
  /** The rider dispatch last asked the orders service to give the order to (null: asked to free it). */
  requestedRider: string | null | undefined;
  eta?: string;
  /** Whose ride the ETA was estimated for: another rider's ETA is news, however close. */
  etaRider?: string;
  /** The window end the at-risk flag was raised for: a changed window may be at risk anew. */
  atRiskFor?: string;
  /** The hard deadline an ETA was flagged past: flagged once, whatever the window's flag. */
  missesDeadline?: string;
  lateFor?: string;
}

/** ETAs move by less than this and nobody is told: a phone's jitter is not news. */
export const ETA_NEWS_MS = 60_000;

export const deliveryDecider = {
  streamType: 'delivery',
  initialState: (): DeliveryDecisions => ({ requestedRider: undefined }),

  evolve(state: DeliveryDecisions, event: DeliveryDecisionEvent): DeliveryDecisions {
    switch (event.type) {
      case 'AssignmentRequested':
        return { ...state, requestedRider: event.data.riderId };
      case 'UnassignmentRequested':
        return { ...state, requestedRider: null };
      case 'EtaUpdated':
        return { ...state, eta: event.data.eta, etaRider: event.data.riderId };
      case 'DeliveryAtRisk':
        return { ...state, atRiskFor: event.data.windowTo, ...(event.data.deadline ? { missesDeadline: event.data.deadline } : {}) };
      case 'DeliveryLate':
        return { ...state, lateFor: event.data.windowTo };
      default:
        return exhaustive(event);
    }
  },

  decide(command: DeliveryDecisionCommand, state: DeliveryDecisions): DeliveryDecisionEvent[] {
    const ref = { orderId: command.orderId, shopId: command.shopId };
    switch (command.type) {
      case 'RequestAssignment': {
        const { board } = command;
        if (!ASSIGNABLE_STATUSES.includes(board.status)) {
          refuse('ORDER_NOT_ASSIGNABLE', `an order that is ${board.status} cannot get a rider`, board);
        }
        // Already theirs. Asked for but not shown yet is asked again: the orders service may have
        // refused the first command, or staff freed the rider since; a repeat changes nothing there.
        if (board.riderId === command.riderId) return [];
        return [
          { type: 'AssignmentRequested', data: { ...ref, riderId: command.riderId, source: command.source, planId: command.planId, requestedAt: command.now } },
        ];
      }
      case 'RequestUnassignment': {
        const { board } = command;
        if (board.riderId === null) refuse('NO_RIDER_ASSIGNED', 'the order has no rider to take it from', board);
        if (!ASSIGNABLE_STATUSES.includes(board.status)) {
          refuse('RIDER_HAS_THE_FLOWERS', `an order that is ${board.status} cannot lose its rider`, board);
        }
        return [
          { type: 'UnassignmentRequested', data: { ...ref, riderId: board.riderId, reason: command.reason, source: command.source, requestedAt: command.now } },
        ];
      }
      case 'RecordEta': {
        const events: DeliveryDecisionEvent[] = [];
        const moved = state.eta === undefined || state.etaRider !== command.riderId || Math.abs(Date.parse(state.eta) - Date.parse(command.eta)) >= ETA_NEWS_MS;
        if (moved) {
          events.push({
            type: 'EtaUpdated',
            data: { ...ref, riderId: command.riderId, eta: command.eta, windowFrom: command.windowFrom, windowTo: command.windowTo, estimatedAt: command.now },
          });
        }
        const riskFrom = Date.parse(command.windowTo) - command.marginMinutes * 60_000;
        // A funeral's deadline is not a margin's matter: an ETA past it is flagged at once, even when the window was flagged already.
        const { deadline } = command;
        const missesDeadline = deadline !== undefined && Date.parse(command.eta) > Date.parse(deadline) && state.missesDeadline !== deadline;
        if ((Date.parse(command.eta) > riskFrom && state.atRiskFor !== command.windowTo) || missesDeadline) {
          events.push({
            type: 'DeliveryAtRisk',
            data: {
              ...ref,
              riderId: command.riderId,
              eta: command.eta,
              windowTo: command.windowTo,
              marginMinutes: command.marginMinutes,
              ...(missesDeadline ? { deadline } : {}),
              flaggedAt: command.now,
            },
          });
        }
        return events;
      }
      case 'RecordLate':
        if (state.lateFor === command.windowTo || Date.parse(command.now) <= Date.parse(command.windowTo)) return [];
        return [{ type: 'DeliveryLate', data: { ...ref, riderId: command.riderId, eta: command.eta, windowTo: command.windowTo, flaggedAt: command.now } }];
      default:
        return exhaustive(command);
    }
  },
};

function refuse(code: string, message: string, board: BoardView): never {
  throw new DomainError('conflict', code, message, { status: board.status, state: board });
}
