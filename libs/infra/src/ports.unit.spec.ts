import { freePort, freePorts, isPortFree } from './ports';

describe('freePorts', () => {
  it('hands out distinct ports, each released and bindable on loopback again', async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
  });

  it('never hands out a port twice in one process, though the OS offers released ones again', async () => {
    // About 28,000 ephemeral ports: a thousand draws would repeat some twenty times by chance alone.
    const ports: number[] = [];
    for (let i = 0; i < 1000; i++) ports.push(await freePort());
    expect(ports.length - new Set(ports).size).toBe(0);
  });
});
