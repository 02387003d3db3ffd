import { nextBatch, reportOf, reportsPositions, settles, type PositionReport } from './position-queue';

const report = (id: string, second: number): PositionReport => ({
  id,
  owner: 'rider-1:shop-1',
  lat: 31.2,
  lng: 121.4,
  accuracy: 8,
  recordedAt: new Date(Date.UTC(2027, 1, 14, 6, 0, second)).toISOString(),
});

describe('the position queue', () => {
  it('sends the oldest reports first, at most fifty a batch', () => {
    const reports = Array.from({ length: 60 }, (_, i) => report(`r${i}`, 59 - i));
    const batch = nextBatch(reports);
    expect(batch).toHaveLength(50);
    expect(batch[0].id).toBe('r59');
    expect(batch.map((r) => r.recordedAt)).toEqual([...batch.map((r) => r.recordedAt)].sort());
    expect(nextBatch(reports).map((r) => r.id)).not.toContain('r0');
  });

  it('lets a batch go once the service answered for each report, kept or dropped, and keeps it while the network is away', () => {
    expect(settles({ status: 202 })).toBe(true);
    expect(settles({ status: 400 })).toBe(true);
    for (const answer of ['unreachable', { status: 502 }, { status: 503 }, { status: 429 }, { status: 401 }] as const) expect(settles(answer)).toBe(false);
  });

  it('turns a fix into a report, speed and heading only when the phone knows them', () => {
    const fix = { coords: { latitude: 31.23, longitude: 121.44, accuracy: 6, speed: null, heading: Number.NaN }, timestamp: Date.UTC(2027, 1, 14, 6) };
    expect(reportOf(fix, 'id-1', 'rider-1:shop-1')).toEqual({
      id: 'id-1',
      owner: 'rider-1:shop-1',
      lat: 31.23,
      lng: 121.44,
      accuracy: 6,
      recordedAt: '2027-02-14T06:00:00.000Z',
    });
    expect(reportOf({ ...fix, coords: { ...fix.coords, speed: 4.5, heading: 90 } }, 'id-2', 'o')).toMatchObject({ speed: 4.5, heading: 90 });
  });

  it('reports positions on shift only, not on a break or off', () => {
    expect([reportsPositions('on_shift'), reportsPositions('on_break'), reportsPositions('off'), reportsPositions(undefined)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});
