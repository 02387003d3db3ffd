import { freePorts, isPortFree } from './ports';

describe('freePorts', () => {
  it('hands out distinct ports, each released and bindable on loopback again', async () => {
    for (let round = 0; round < 20; round++) {
      const ports = await freePorts(6);
      expect(new Set(ports).size).toBe(6);
      for (const port of ports) expect(await isPortFree(port)).toBe(true);
    }
  });
});
