import { z } from 'zod';

export const exceptionsConfigShape = {
  /** A report nobody acknowledged for this long is escalated to the shop's staff and the operators. */
  MESSAGING_EXCEPTION_ESCALATE_SECONDS: z.coerce.number().positive().max(86_400).default(300),
};

export type ExceptionsConfig = { MESSAGING_EXCEPTION_ESCALATE_SECONDS: number };
