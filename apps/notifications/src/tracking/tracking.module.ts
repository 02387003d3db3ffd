import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { TokenService } from '@petalpost/auth';
import { CustomerMessageOutbox } from './customer-message-outbox';
import { trackingConsumer } from './consumers/tracking.consumer';
import { TrackingController } from './api/tracking.controller';
import { TrackingHub } from './tracking-hub';
import { TrackingStaffController } from './api/tracking-staff.controller';

/**
 * The customer's tracking page: a projection of order and dispatch events (tracked_orders), the
 * riders' latest positions, the page and its live updates, and the order's customer channel: what the
 * customer writes goes to messaging (messaging.commands), what the shop answers comes back (messaging.events).
 */
@Module({
  controllers: [TrackingController, TrackingStaffController],
  providers: [
    TrackingHub,
    CustomerMessageOutbox,
    trackingConsumer,
    // Until links are opaque ids kept server-side: a key of this process only, so no other service
    // can mint them (a link lives as long as the process that made it).
    { provide: TokenService, useFactory: () => new TokenService(randomBytes(32).toString('hex')) },
  ],
})
export class TrackingModule {}
