/**
 * The life of a signing key: `pending` (published in the JWKS, not signing yet, so every service
 * has fetched it before its first token), `active` (the one key that signs), `retiring` (published
 * until the last token it signed has expired), `retired` (dropped from the JWKS, private half erased).
 */
export type KeyStatus = 'pending' | 'active' | 'retiring' | 'retired';

export interface KeyRecord {
  kid: string;
  status: KeyStatus;
  createdAt: Date;
  activatedAt?: Date;
  /** For a retiring key: when its last token has expired, clock skew included. */
  publishUntil?: Date;
}

export interface RotationPolicy {
  /** How long a key signs before a successor is prepared. */
  rotateEveryMs: number;
  /** How long a successor is published before it signs. */
  prepublishMs: number;
  /** How long a key stays published after it stopped signing: the longest token's life and the clock skew. */
  retireAfterMs: number;
}

export type RotationStep =
  | { type: 'CreateKey'; kid: string; status: 'pending' | 'active' }
  | { type: 'ActivateKey'; kid: string }
  | { type: 'RetireKey'; kid: string; publishUntil: Date }
  | { type: 'DropKey'; kid: string };

/**
 * `schedule`: only what is due. `prepare`: a successor now (published ahead, it signs after the
 * pre-publish period). `now`: a successor signs at once (a key believed exposed), the pending one if there is one.
 */
export type Rotation = 'schedule' | 'prepare' | 'now';

export interface RotationCommand {
  now: Date;
  /** The id a new key gets, if one is made. */
  newKid: string;
  rotation: Rotation;
}

/**
 * What to do to the keys at `now`, in the order it is done (the old key stops signing before the new
 * one starts: one active key at a time). Pure, so the schedule is tested without a clock or a database.
 */
export function planRotation(keys: readonly KeyRecord[], command: RotationCommand, policy: RotationPolicy): RotationStep[] {
  const { now, newKid, rotation } = command;
  const steps: RotationStep[] = keys
    .filter((k) => k.status === 'retiring' && k.publishUntil !== undefined && k.publishUntil <= now)
    .map((k) => ({ type: 'DropKey', kid: k.kid }));
  const active = keys.find((k) => k.status === 'active');
  const pending = keys.find((k) => k.status === 'pending');

  if (!active) {
    // The first start (or every key retired by hand): nobody holds a token of ours, so nothing to wait for.
    steps.push(pending ? { type: 'ActivateKey', kid: pending.kid } : { type: 'CreateKey', kid: newKid, status: 'active' });
    return steps;
  }

  const retireActive = (): RotationStep => ({ type: 'RetireKey', kid: active.kid, publishUntil: new Date(now.getTime() + policy.retireAfterMs) });
  if (pending) {
    const published = now.getTime() - pending.createdAt.getTime() >= policy.prepublishMs;
    if (published || rotation === 'now') steps.push(retireActive(), { type: 'ActivateKey', kid: pending.kid });
    return steps;
  }

  const due = now.getTime() - (active.activatedAt ?? active.createdAt).getTime() >= policy.rotateEveryMs;
  if (rotation === 'now') {
    steps.push(retireActive(), { type: 'CreateKey', kid: newKid, status: 'active' });
  } else if (due || rotation === 'prepare') {
    steps.push({ type: 'CreateKey', kid: newKid, status: 'pending' });
  }
  return steps;
}
