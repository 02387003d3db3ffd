import { z } from 'zod';

/** The parties of the visibility table (libs/auth/src/visibility.ts). Tokens carry exactly one. */
export const ROLES = ['operator', 'staff', 'florist', 'dispatcher', 'rider', 'customer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Who did something: recorded in every event's metadata. */
export const ActorSchema = z.object({
  role: RoleSchema,
  subject: z.string().min(1),
  shopId: z.string().min(1).optional(),
});
export type Actor = z.infer<typeof ActorSchema>;
