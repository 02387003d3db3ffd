import { hash, verify } from '@node-rs/argon2';

/**
 * OWASP's Password Storage Cheat Sheet, first choice: Argon2id, m = 19456 KiB (19 MiB), t = 2, p = 1.
 * (`@node-rs/argon2` declares Algorithm as a const enum, which isolated modules cannot read: 2 is Argon2id.)
 */
export const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The PHC string of an Argon2id hash of the (already NFKC-normalised) password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

// Verified against when there is no hash to verify against, so an unknown person costs the same time.
let dummyHash: Promise<string> | undefined;

/** Whether the password matches; without a hash, false after the same work. */
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= hash('a password nobody has, for timing only', ARGON2ID);
  const against = passwordHash ?? (await dummyHash);
  try {
    const ok = await verify(against, password);
    return ok && passwordHash !== undefined;
  } catch {
    return false;
  }
}
