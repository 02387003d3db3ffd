import { z } from 'zod';

/**
 * An IANA time zone name (e.g. Europe/Amsterdam), read into its canonical spelling. It must start
 * with a letter: PostgreSQL reads an offset such as "+01:00" as POSIX, east and west swapped.
 */
export const ianaTimeZone = z
  .string()
  .max(64)
  .transform((name, context) => {
    const canonical = /^[A-Za-z]/.test(name) ? canonicalTimeZone(name) : undefined;
    if (canonical === undefined) context.addIssue({ code: 'custom', message: `unknown time zone "${name}": an IANA name, e.g. Europe/Amsterdam` });
    return canonical ?? z.NEVER;
  });

function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
