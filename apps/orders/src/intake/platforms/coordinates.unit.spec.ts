import { gcj02ToWgs84, wgs84ToGcj02 } from './coordinates';

describe('coordinates at the Chinese platforms edge', () => {
  it('moves Tiananmen from WGS-84 to the GCJ-02 a Chinese map shows', () => {
    expect(wgs84ToGcj02({ lat: 39.914266, lng: 116.403988 })).toEqual({ lat: 39.91567, lng: 116.410232 });
  });

  // Worked out apart from gcoord with the published GCJ-02 formula (Krasovsky ellipsoid, ee 0.00669342162296594323).
  it('moves a Shanghai and a Shenzhen point by the few hundred metres the datum is off there', () => {
    expect(wgs84ToGcj02({ lat: 31.230416, lng: 121.473701 })).toEqual({ lat: 31.228474, lng: 121.478224 });
    expect(wgs84ToGcj02({ lat: 22.543099, lng: 114.057868 })).toEqual({ lat: 22.540382, lng: 114.062982 });
  });

  it('brings a platform GCJ-02 address back to within half a metre of the WGS-84 point', () => {
    const wgs = gcj02ToWgs84({ lat: 39.91567, lng: 116.410232 });
    expect(wgs.lat).toBeCloseTo(39.914266, 5);
    expect(wgs.lng).toBeCloseTo(116.403988, 5);
  });

  it('leaves a point outside China as it is', () => {
    expect(wgs84ToGcj02({ lat: 52.520008, lng: 13.404954 })).toEqual({ lat: 52.520008, lng: 13.404954 });
    expect(gcj02ToWgs84({ lat: 52.520008, lng: 13.404954 })).toEqual({ lat: 52.520008, lng: 13.404954 });
  });
});
