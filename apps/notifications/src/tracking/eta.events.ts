import { defineEvent } from '@petalpost/contracts';
import { z } from 'zod';

/**
 * Dispatch's prediction of when an order arrives, on dispatch.events. Dispatch does not publish it
 * yet: this is the shape the tracking page accepts, kept here until dispatch's contracts land in
 * libs/contracts (then this file goes).
 */
export const EtaUpdatedV1 = defineEvent('EtaUpdated', 1, z.object({ orderId: z.string().min(1), eta: z.iso.datetime({ offset: true }) }));

export type EtaUpdated = { type: 'EtaUpdated'; data: z.infer<typeof EtaUpdatedV1.schema> };
