import { type KeyRecord, planRotation, type Rotation } from './key-rotation';

const minute = 60_000;
const day = 24 * 60 * minute;
const policy = { rotateEveryMs: 30 * day, prepublishMs: 20 * minute, retireAfterMs: 16 * minute };
const t0 = new Date('2026-02-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const plan = (keys: KeyRecord[], now: Date, rotation: Rotation = 'schedule') => planRotation(keys, { now, newKid: 'k-new', rotation }, policy);

const active = (kid: string, activatedAt: Date): KeyRecord => ({ kid, status: 'active', createdAt: activatedAt, activatedAt });
const pending = (kid: string, createdAt: Date): KeyRecord => ({ kid, status: 'pending', createdAt });
const retiring = (kid: string, publishUntil: Date): KeyRecord => ({ kid, status: 'retiring', createdAt: t0, activatedAt: t0, publishUntil });

describe('signing key rotation', () => {
  describe('with no key yet', () => {
    it('makes one that signs at once: nobody holds a token to verify', () => {
      expect(plan([], t0)).toEqual([{ type: 'CreateKey', kid: 'k-new', status: 'active' }]);
    });
  });

  describe('with an active key', () => {
    const keys = [active('k1', t0)];

    it('does nothing before the rotation is due', () => {
      expect(plan(keys, at(30 * day - 1))).toEqual([]);
    });

    it('publishes a successor, not yet signing, once the rotation is due', () => {
      expect(plan(keys, at(30 * day))).toEqual([{ type: 'CreateKey', kid: 'k-new', status: 'pending' }]);
    });

    it('prepares a successor on request before it is due', () => {
      expect(plan(keys, at(minute), 'prepare')).toEqual([{ type: 'CreateKey', kid: 'k-new', status: 'pending' }]);
    });

    it('lets a successor sign at once when told to, keeping the old key published for its tokens', () => {
      expect(plan(keys, at(minute), 'now')).toEqual([
        { type: 'RetireKey', kid: 'k1', publishUntil: at(minute + 16 * minute) },
        { type: 'CreateKey', kid: 'k-new', status: 'active' },
      ]);
    });
  });

  describe('with a pending successor', () => {
    const keys = [active('k1', t0), pending('k2', at(30 * day))];

    it('keeps it waiting while the services may not have fetched it', () => {
      expect(plan(keys, at(30 * day + 20 * minute - 1))).toEqual([]);
      // A second successor is never made while one waits.
      expect(plan(keys, at(30 * day + minute), 'prepare')).toEqual([]);
    });

    it('lets it sign once published long enough, the old key retiring until its last token expires', () => {
      const now = at(30 * day + 20 * minute);
      expect(plan(keys, now)).toEqual([
        { type: 'RetireKey', kid: 'k1', publishUntil: new Date(now.getTime() + 16 * minute) },
        { type: 'ActivateKey', kid: 'k2' },
      ]);
    });

    it('lets it sign at once when told to', () => {
      const now = at(30 * day + minute);
      expect(plan(keys, now, 'now')).toEqual([
        { type: 'RetireKey', kid: 'k1', publishUntil: new Date(now.getTime() + 16 * minute) },
        { type: 'ActivateKey', kid: 'k2' },
      ]);
    });
  });

  describe('with a retiring key', () => {
    const keys = [retiring('k0', at(10 * minute)), active('k1', t0)];

    it('keeps publishing it until its last token has expired', () => {
      expect(plan(keys, at(10 * minute - 1))).toEqual([]);
    });

    it('drops it from the JWKS then', () => {
      expect(plan(keys, at(10 * minute))).toEqual([{ type: 'DropKey', kid: 'k0' }]);
    });
  });

  describe('with a pending key and none active', () => {
    it('lets the pending one sign at once', () => {
      expect(plan([pending('k2', t0)], t0)).toEqual([{ type: 'ActivateKey', kid: 'k2' }]);
    });
  });
});
