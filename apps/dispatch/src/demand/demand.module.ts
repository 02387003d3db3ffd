import { Module } from '@nestjs/common';
import { DemandController } from './api/demand.controller';
import { DemandOrders1764000001000 } from './projections/demand-orders.migration';
import { demandOrdersConsumer } from './consumers/demand-orders.consumer';

/** Demand history: order volume by hour of week and area, and a forecast of riders needed. */
@Module({
  controllers: [DemandController],
  providers: [demandOrdersConsumer],
})
export class DemandModule {}

/** The demand read model's migrations, in order. */
export const demandMigrations: Array<new () => object> = [DemandOrders1764000001000];
