import { ORDER_PLACED_V1_MEANT } from '@petalpost/contracts';

/**
 * Stored order events at their current schema version. OrderPlaced v1 (before people, order
 * type and price were recorded) reads as v2 with what a v1 order meant; v2 (before pickup
 * codes) reads as v3 with no code, so its pickup needs none.
 */
export const ORDER_UPCASTERS: Record<string, Record<number, (data: unknown) => unknown>> = {
  OrderPlaced: {
    1: (data) => ({ ...ORDER_PLACED_V1_MEANT, ...(data as object) }),
    2: (data) => ({ pickupCode: null, ...(data as object) }),
  },
};
