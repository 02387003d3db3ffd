import { Module } from '@nestjs/common';
import { trackingConsumer } from './tracking.consumer';
import { TrackingController } from './tracking.controller';
import { TrackingHub } from './tracking-hub';
import { TrackingStaffController } from './tracking-staff.controller';

/**
 * The customer's tracking page: a projection of order and dispatch events (tracked_orders), the
 * riders' latest positions, the page and its live updates, and the customers' messages to the shop.
 */
@Module({
  controllers: [TrackingController, TrackingStaffController],
  providers: [
    TrackingHub,
    trackingConsumer,
  ],
})
export class TrackingModule {}
