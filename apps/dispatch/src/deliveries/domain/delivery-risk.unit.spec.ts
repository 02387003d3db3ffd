import { type Arrivals, arrivalOf } from './delivery-risk';

const windowTo = new Date('2026-02-14T12:00:00.000Z');
const board = { status: 'out_for_delivery' as const, riderId: 'li', windowTo };
const nothing: Arrivals = { eta: null, etaRiderId: null, atRiskFor: null, atRiskSince: null, lateFor: null, lateSince: null };
const eta = { eta: new Date('2026-02-14T11:20:00.000Z'), etaRiderId: 'li' };
const atRisk = { atRiskFor: windowTo, atRiskSince: new Date('2026-02-14T11:00:00.000Z') };
const late = { lateFor: windowTo, lateSince: new Date('2026-02-14T12:00:15.000Z') };

describe('a delivery’s ETA and risk on the board', () => {
  it('is on time, without an ETA, before dispatch has said anything', () => {
    expect(arrivalOf(board, undefined)).toEqual({ risk: 'on_time' });
    expect(arrivalOf(board, nothing)).toEqual({ risk: 'on_time' });
  });

  it('carries the rider’s latest ETA', () => {
    expect(arrivalOf(board, { ...nothing, ...eta })).toEqual({ eta: '2026-02-14T11:20:00.000Z', risk: 'on_time' });
  });

  it('is at risk, and since when, once dispatch flagged its window', () => {
    expect(arrivalOf(board, { ...nothing, ...eta, ...atRisk })).toEqual({
      eta: '2026-02-14T11:20:00.000Z',
      risk: 'at_risk',
      riskSince: '2026-02-14T11:00:00.000Z',
    });
  });

  it('is late once flagged late, even when it was at risk before', () => {
    expect(arrivalOf(board, { ...nothing, ...atRisk, ...late })).toEqual({ risk: 'late', riskSince: '2026-02-14T12:00:15.000Z' });
  });

  it('starts on time again when the order gets a new window', () => {
    const moved = { ...board, windowTo: new Date('2026-02-14T16:00:00.000Z') };
    expect(arrivalOf(moved, { ...nothing, ...atRisk, ...late })).toEqual({ risk: 'on_time' });
  });

  it('shows no ETA of a rider who no longer has the order', () => {
    expect(arrivalOf({ ...board, status: 'ready_for_pickup', riderId: null }, { ...nothing, ...eta })).toEqual({ risk: 'on_time' });
    expect(arrivalOf({ ...board, status: 'ready_for_pickup', riderId: 'mo' }, { ...nothing, ...eta })).toEqual({ risk: 'on_time' });
  });

  it('shows no ETA once delivered, but keeps the flag it was delivered with', () => {
    expect(arrivalOf({ ...board, status: 'delivered' }, { ...nothing, ...eta, ...late })).toEqual({ risk: 'late', riskSince: '2026-02-14T12:00:15.000Z' });
  });
});
