import { z } from 'zod';

/** The inbox's variables (README's configuration table lists them). */
export const inboxConfigShape = {
  INBOX_RETENTION_HOURS: z.coerce.number().positive().default(72).describe('How long inbox entries are kept for clients to resume'),
  NOTIFY_RESEND_SECONDS: z.coerce.number().positive().default(30).describe('An unacknowledged critical notification is re-sent this often'),
  NOTIFY_ESCALATE_SECONDS: z.coerce.number().positive().default(120).describe('An unacknowledged critical notification is escalated after this long'),
  ESCALATION_CHANNEL: z.enum(['development']).default('development').describe('Where escalations go: development records and logs them'),
  POSITION_FLUSH_MS: z.coerce.number().int().min(10).default(250).describe('A connection is sent rider positions at most this often'),
};
