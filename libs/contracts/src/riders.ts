import { z } from 'zod';

/**
 * A rider's position as dispatch publishes it on `riders.locations`, keyed by rider id: the bare
 * position, not an event envelope — positions are ephemeral, superseded within seconds. Readers
 * take these fields and ignore anything a newer producer adds (hence not strict).
 */
export const RiderPositionSchema = z.object({
  riderId: z.string().min(1).max(100),
  shopId: z.string().min(1).max(100),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracy: z.number().min(0).optional().describe('metres'),
  speed: z.number().min(0).optional().describe('metres per second'),
  heading: z.number().min(0).max(360).optional().describe('degrees from north'),
  recordedAt: z.iso.datetime({ offset: true }).describe("when the rider's device took the fix"),
});
export type RiderPosition = z.infer<typeof RiderPositionSchema>;
