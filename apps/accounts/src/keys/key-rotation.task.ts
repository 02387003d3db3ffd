import { periodicTask, SERVICE_CONFIG } from '@petalpost/platform';
import type { KeysConfig } from './keys.config';
import { SigningKeys } from './signing-keys';

export const KEY_ROTATION_TASK = Symbol('KEY_ROTATION_TASK');

/**
 * Rotates the signing keys on schedule: a successor is published when the active key is
 * ACCOUNTS_KEY_ROTATION_DAYS old, signs ACCOUNTS_KEY_PREPUBLISH_MINUTES later, and the old key is
 * dropped from the JWKS once its last token has expired. Any replica may run it; they take turns.
 */
export const keyRotationTask = periodicTask(
  KEY_ROTATION_TASK,
  (keys: SigningKeys, config: KeysConfig) => {
    let rotations = 0;
    return {
      name: 'accounts.keys.rotation',
      // A few looks per pre-publish period, at most a minute apart: a retiring key is dropped within a minute of its time.
      everyMs: Math.max(1_000, Math.min(60_000, (config.ACCOUNTS_KEY_PREPUBLISH_MINUTES * 60_000) / 4)),
      pass: async () => {
        if ((await keys.rotate('schedule')).length > 0) rotations++;
      },
      failure: 'signing key rotation failed; retrying at the next pass',
      details: () => ({ rotations }),
    };
  },
  [SigningKeys, SERVICE_CONFIG],
);
