import { geohashCentre } from './geohash';

describe('the centre of a geohash cell', () => {
  it('lies where the cell is', () => {
    // wtw3s: central Shanghai (about 31.2 N, 121.5 E); u173z: Amsterdam.
    const shanghai = geohashCentre('wtw3s')!;
    expect(shanghai.lat).toBeCloseTo(31.2, 0);
    expect(shanghai.lng).toBeCloseTo(121.4, 0);
    const amsterdam = geohashCentre('u173z')!;
    expect(amsterdam.lat).toBeCloseTo(52.4, 0);
    expect(amsterdam.lng).toBeCloseTo(4.9, 0);
  });

  it('has no centre for an unknown area', () => {
    expect(geohashCentre('unknown')).toBeUndefined();
    expect(geohashCentre('')).toBeUndefined();
  });
});
