import { type Actor, RoleSchema } from '@petalpost/contracts';
import { z } from 'zod';

/**
 * Who is calling, as carried by a JWT: role, subject and the shop they work for. A customer's
 * tracking token is scoped to one order instead of a shop.
 */
export const PrincipalSchema = z
  .object({
    role: RoleSchema,
    sub: z.string().min(1),
    shopId: z.string().min(1).optional(),
    orderId: z.string().min(1).optional(),
    /** The sign-in session an access token belongs to (its `sid`). */
    sessionId: z.string().min(1).optional(),
    /** What a scoped token (a shop system's) may do; absent for a person, who is limited by role alone. */
    scopes: z.array(z.string().min(1)).optional(),
  })
  .refine((p) => p.role === 'operator' || p.role === 'customer' || p.shopId !== undefined, {
    message: 'shop-scoped roles need a shopId',
    path: ['shopId'],
  })
  .refine((p) => p.role !== 'customer' || p.orderId !== undefined, {
    message: 'a customer token is scoped to one order',
    path: ['orderId'],
  });

export type Principal = z.infer<typeof PrincipalSchema>;

/** Operators see every shop; everyone else only their own. */
export function canSeeShop(principal: Principal, shopId: string): boolean {
  return principal.role === 'operator' || principal.shopId === shopId;
}

/** The principal as recorded in events' metadata: who did it. */
export function actorOf(principal: Principal): Actor {
  return { role: principal.role, subject: principal.sub, ...(principal.shopId ? { shopId: principal.shopId } : {}) };
}
