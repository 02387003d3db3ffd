import { Module } from '@nestjs/common';
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
  providers: [TrackingHub, CustomerMessageOutbox, trackingConsumer],
})
export class TrackingModule {}
