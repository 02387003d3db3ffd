import { z } from 'zod';

/** Shops and people: how often one address may sign up or accept invitations, and where invitation links lead. */
export const peopleConfigShape = {
  /** Self-service sign-ups per client address per hour (operators are not counted). */
  ACCOUNTS_SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Invitation acceptances per client address per hour: each one hashes a password. */
  ACCOUNTS_ACCEPTS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(60),
  /** The page that accepts an invitation; the secret goes after `#`, so it never reaches a server's access log. */
  ACCOUNTS_INVITATION_URL: z.url().default('http://127.0.0.1:8080/invitation'),
  /** The rider app's page that accepts an invitation whose only role is rider: the phone that opens it gets the rider's app, not the console. */
  ACCOUNTS_RIDER_INVITATION_URL: z.url().default('http://127.0.0.1:8080/rider/invitation'),
};

export type PeopleConfig = z.infer<z.ZodObject<typeof peopleConfigShape>>;
