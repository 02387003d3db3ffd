import { fitWithin } from './photo';

describe('a proof photo is sent at most 1600 px on its longer side', () => {
  it('shrinks a landscape photo from the camera, keeping its shape', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 1600, height: 1200 });
  });

  it('shrinks a portrait photo by its height', () => {
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600 });
  });

  it('never enlarges a photo that is small already', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
  });
});
