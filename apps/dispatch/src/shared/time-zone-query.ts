import { DomainError } from '@petalpost/contracts';

/** The request checked the zone against Node's list; one PostgreSQL does not know is still the caller's 400, not a 500. */
export async function withTimeZone<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const error = err as { code?: string; message?: string };
    if (error.code === '22023' && /time zone/i.test(error.message ?? '')) {
      throw new DomainError('invalid', 'UNKNOWN_TIME_ZONE', error.message ?? 'unknown time zone', {
        issues: [{ path: 'timeZone', message: 'not a time zone the database knows' }],
      });
    }
    throw err;
  }
}
