import { type DropReason, type PositionLimits, type ReportedPosition, screenPositions } from './rider-position.screen';

const now = '2026-02-14T12:00:00.000Z';
const limits: PositionLimits = { maxAccuracyMeters: 100, maxFutureSkewMs: 2 * 60_000, maxAgeMs: 10 * 60_000 };
/** A time within the hour around `now`, `offsetSeconds` away from it. */
const at = (offsetSeconds: number) => {
  const seconds = 12 * 3600 + offsetSeconds;
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0'));
  return `2026-02-14T${h}:${m}:${s}.000Z`;
};
const fix = (overrides: Partial<ReportedPosition> = {}): ReportedPosition => ({ lat: 52.09, lng: 5.12, accuracy: 8, recordedAt: at(-5), ...overrides });

describe('screening one reported position', () => {
  it.each<[string, Partial<ReportedPosition>, DropReason | 'accepted']>([
    ['a good fix', {}, 'accepted'],
    ['the poles and the date line', { lat: -90, lng: 180 }, 'accepted'],
    ['a latitude beyond the pole', { lat: 90.0001 }, 'out_of_bounds'],
    ['a longitude beyond the date line', { lng: -180.5 }, 'out_of_bounds'],
    ['accuracy at the limit', { accuracy: 100 }, 'accepted'],
    ['accuracy worse than the limit', { accuracy: 100.1 }, 'inaccurate'],
    ['a device clock 2 minutes ahead', { recordedAt: at(120) }, 'accepted'],
    ['a device clock more than 2 minutes ahead', { recordedAt: at(121) }, 'from_the_future'],
    ['a fix exactly 10 minutes old', { recordedAt: at(-600) }, 'accepted'],
    ['a fix more than 10 minutes old', { recordedAt: at(-601) }, 'too_old'],
    ['a time with an offset', { recordedAt: '2026-02-14T12:59:00+01:00' }, 'accepted'],
  ])('%s: %s', (_, overrides, expected) => {
    const { accepted, dropped } = screenPositions([fix(overrides)], undefined, now, limits);
    if (expected === 'accepted') {
      expect(accepted).toHaveLength(1);
      expect(dropped).toEqual([]);
    } else {
      expect(accepted).toEqual([]);
      expect(dropped).toEqual([{ index: 0, reason: expected }]);
    }
  });
});

describe('screening a rider’s positions against the last one kept', () => {
  it('drops a position not newer than the last kept one, as out of order and not as an error', () => {
    const last = at(-10);
    const { accepted, dropped } = screenPositions([fix({ recordedAt: at(-20) }), fix({ recordedAt: at(-10) }), fix({ recordedAt: at(-5) })], last, now, limits);
    expect(accepted.map((p) => p.index)).toEqual([2]);
    expect(dropped).toEqual([
      { index: 0, reason: 'out_of_order' },
      { index: 1, reason: 'out_of_order' },
    ]);
  });

  it('keeps a buffered batch sent newest first, oldest first', () => {
    const { accepted, dropped } = screenPositions(
      [fix({ recordedAt: at(-1) }), fix({ recordedAt: at(-3) }), fix({ recordedAt: at(-2) })],
      undefined,
      now,
      limits,
    );
    expect(accepted.map((p) => p.index)).toEqual([1, 2, 0]);
    expect(dropped).toEqual([]);
  });

  it('keeps one of two fixes taken at the same instant', () => {
    const { accepted, dropped } = screenPositions([fix({ lat: 52.1 }), fix({ lat: 52.2 })], undefined, now, limits);
    expect(accepted).toEqual([expect.objectContaining({ index: 0, lat: 52.1 })]);
    expect(dropped).toEqual([{ index: 1, reason: 'out_of_order' }]);
  });

  it('does not let an implausible fix move the last kept time', () => {
    const { accepted, dropped } = screenPositions([fix({ recordedAt: at(300) }), fix({ recordedAt: at(-5) })], undefined, now, limits);
    expect(accepted.map((p) => p.index)).toEqual([1]);
    expect(dropped).toEqual([{ index: 0, reason: 'from_the_future' }]);
  });

  it('answers every drop with its index in the request, in request order', () => {
    const { accepted, dropped } = screenPositions([fix({ accuracy: 500 }), fix({ lat: 91 }), fix({ recordedAt: at(-3600) })], undefined, now, limits);
    expect(accepted).toEqual([]);
    expect(dropped).toEqual([
      { index: 0, reason: 'inaccurate' },
      { index: 1, reason: 'out_of_bounds' },
      { index: 2, reason: 'too_old' },
    ]);
  });
});

describe('screening reports sent again', () => {
  const ids = ['0d6f2a52-8f8e-4a4e-9c0b-1f1d2c3b4a01', '0d6f2a52-8f8e-4a4e-9c0b-1f1d2c3b4a02', '0d6f2a52-8f8e-4a4e-9c0b-1f1d2c3b4a03'];

  it('drops every report of a batch kept before as duplicate, not as out of order', () => {
    const batch = [fix({ id: ids[0], recordedAt: at(-3) }), fix({ id: ids[1], recordedAt: at(-2) })];
    const { accepted, dropped } = screenPositions(batch, at(-2), now, limits, new Set([ids[0], ids[1]]));
    expect(accepted).toEqual([]);
    expect(dropped).toEqual([
      { index: 0, reason: 'duplicate' },
      { index: 1, reason: 'duplicate' },
    ]);
  });

  it('keeps the new reports of a batch that was partly kept before', () => {
    const batch = [fix({ id: ids[0], recordedAt: at(-3) }), fix({ id: ids[2], recordedAt: at(-1) })];
    const { accepted, dropped } = screenPositions(batch, at(-3), now, limits, new Set([ids[0]]));
    expect(accepted.map((p) => p.index)).toEqual([1]);
    expect(dropped).toEqual([{ index: 0, reason: 'duplicate' }]);
  });

  it('keeps the first of two reports with one id in a request, whatever their times', () => {
    const { accepted, dropped } = screenPositions([fix({ id: ids[0], recordedAt: at(-3) }), fix({ id: ids[0], recordedAt: at(-1) })], undefined, now, limits);
    expect(accepted.map((p) => p.index)).toEqual([0]);
    expect(dropped).toEqual([{ index: 1, reason: 'duplicate' }]);
  });

  it('calls a report kept before a duplicate even when it has since grown too old', () => {
    const { dropped } = screenPositions([fix({ id: ids[0], recordedAt: at(-3600) })], undefined, now, limits, new Set([ids[0]]));
    expect(dropped).toEqual([{ index: 0, reason: 'duplicate' }]);
  });

  it('compares ids regardless of case', () => {
    const { dropped } = screenPositions([fix({ id: ids[0].toUpperCase() })], undefined, now, limits, new Set([ids[0]]));
    expect(dropped).toEqual([{ index: 0, reason: 'duplicate' }]);
  });

  it('judges reports without an id as before: never duplicates', () => {
    const { accepted, dropped } = screenPositions([fix({ recordedAt: at(-3) }), fix({ recordedAt: at(-2) })], undefined, now, limits, new Set(ids));
    expect(accepted.map((p) => p.index)).toEqual([0, 1]);
    expect(dropped).toEqual([]);
  });
});
