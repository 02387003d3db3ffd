import { DomainError } from '@petalpost/contracts';

/**
 * E-mail addresses and passwords as people type them, made comparable. Password rules follow
 * NIST SP 800-63B rev. 4 §3.1.1.2: length is what counts (at least 15 characters for a password
 * used alone, up to 128 accepted, never truncated), no composition rules, Unicode normalised
 * (NFKC), and a password that is commonly used or built from the account's own context refused —
 * each refusal saying why.
 */

export const PASSWORD_MIN_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 128;

/** The one spelling of an address: NFKC, trimmed, lower-cased (the whole address, as most providers treat it). */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** What a password is hashed and compared as: NFKC, so the same characters typed on another keyboard match. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Display names are shown to the team: NFKC, spaces collapsed. */
export function normalizeDisplayName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/**
 * Passwords people choose most often that are long enough to pass the length rule (from the
 * public breach corpora's top lists); compared case-insensitively, spaces ignored.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012345',
  '1234567890123456',
  '12345678901234567890',
  '111111111111111',
  '000000000000000',
  'qwertyuiopasdfgh',
  'qwertyuiopasdfghjkl',
  'qwertyuiopasdfghjklzxcvbnm',
  '1q2w3e4r5t6y7u8i',
  '1qaz2wsx3edc4rfv',
  'passwordpassword',
  'password123456789',
  'passwordpassword1',
  'iloveyouiloveyou',
  'letmeinletmein1',
  'correcthorsebatterystaple',
  'abcdefghijklmnop',
  'abcdefghijklmnopqrstuvwxyz',
  'welcomewelcome1',
  'administrator123',
  'changemechangeme',
  'flowerflowerflower',
  'iloveflowers12345',
]);

/** Words of this service a password must not be built on. */
const SERVICE_WORDS = ['petalpost'];

export interface PasswordContext {
  email: string;
  shopName?: string;
}

/** Why a password is refused, or undefined when it may be used. */
export function passwordProblem(password: string, context: PasswordContext): { code: string; message: string } | undefined {
  const normalized = normalizePassword(password);
  const length = [...normalized].length; // code points: each character counts as one (NIST)
  if (length < PASSWORD_MIN_LENGTH) {
    return {
      code: 'PASSWORD_TOO_SHORT',
      message: `a password needs at least ${PASSWORD_MIN_LENGTH} characters (this one has ${length}); a few words make a good one`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH)
    return { code: 'PASSWORD_TOO_LONG', message: `a password has at most ${PASSWORD_MAX_LENGTH} characters (this one has ${length})` };
  const folded = normalized.toLowerCase().replace(/\s+/gu, '');
  if (COMMON_PASSWORDS.has(folded) || new Set(folded).size === 1) {
    return { code: 'PASSWORD_COMMON', message: 'this password is one of the most commonly used ones: choose another' };
  }
  const local = normalizeEmail(context.email).split('@')[0] ?? '';
  if (local.length >= 3 && folded.includes(local.replace(/\s+/gu, ''))) {
    return { code: 'PASSWORD_CONTAINS_EMAIL', message: 'a password must not contain your e-mail address or its name part' };
  }
  const shop = context.shopName ? normalizeDisplayName(context.shopName).toLowerCase().replace(/\s+/gu, '') : '';
  if (shop.length >= 3 && folded.includes(shop)) return { code: 'PASSWORD_CONTAINS_SHOP_NAME', message: "a password must not contain the shop's name" };
  if (SERVICE_WORDS.some((word) => folded.includes(word)))
    return { code: 'PASSWORD_CONTAINS_SERVICE_NAME', message: "a password must not contain this service's name" };
  return undefined;
}

/** As passwordProblem, refusing (400) with the reason in `code` and `details.reason`. */
export function assertPasswordAcceptable(password: string, context: PasswordContext): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new DomainError('invalid', problem.code, problem.message, { field: 'password', reason: problem.code });
}
