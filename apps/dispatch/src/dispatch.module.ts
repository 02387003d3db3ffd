import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { serviceFoundation } from '@petalpost/event-store';
import type { Logger } from 'pino';
import { AssignmentsController } from './assignments/api/assignments.controller';
import { orderEventsConsumer } from './deliveries/consumers/order-events.consumer';
import { DemandModule, demandMigrations } from './demand/demand.module';
import { DeliveriesController } from './deliveries/api/deliveries.controller';
import { DeliveryArrivals1764000001300 } from './deliveries/projections/delivery-arrivals.migration';
import { DeliveriesDeliveredAt1764000001400 } from './deliveries/projections/deliveries-delivered-at.migration';
import { DeliveriesBouquets1764000001100 } from './deliveries/projections/deliveries-bouquets.migration';
import { DeliveriesRecipients1764000000500 } from './deliveries/projections/deliveries-recipients.migration';
import { DeliveriesPhoneExpiry1770000001500 } from './deliveries/projections/deliveries-phone-expiry.migration';
import { Deliveries1764000000100 } from './deliveries/projections/deliveries.migration';
import { Delivery } from './deliveries/projections/delivery.entity';
import { dispatchProjections } from './dispatch-projections';
import type { DispatchConfig } from './dispatch.config';
import { dispatchRelay } from './dispatch-relay';
import { EtaTracker, SHOP_ETA_SETTINGS, type ShopEtaSettingsLookup } from './eta/eta-tracker';
import { LatenessController } from './lateness/api/lateness.controller';
import { RiderPositionsController } from './positions/api/rider-positions.controller';
import { RiderPositionIds1764000001500 } from './positions/rider-position-ids.migration';
import { RiderPositions1764000000600 } from './positions/rider-positions.migration';
import { RiderPositionsStore } from './positions/rider-positions.store';
import { trailRetention } from './positions/trail-retention';
import { planningMigrations, planningProviders, PlansController, shopSettingsFromPlanning } from './planning/planning.providers';
import { RidersController } from './riders/api/riders.controller';
import { RiderRunController } from './run/api/rider-run.controller';
import { RidersPendingShops1764000001200 } from './riders/projections/riders-pending-shops.migration';
import { Riders1764000000720 } from './riders/projections/riders.migration';

/** The dispatch service: who delivers what, and when (riders, the delivery board, positions, demand, route plans, assignments, ETAs). This module only wires them. */
@Module({})
export class DispatchModule {
  static forRoot(config: DispatchConfig, logger: Logger): DynamicModule {
    const foundation = serviceFoundation('dispatch', config, logger, {
      entities: [Delivery],
      migrations: [
        Deliveries1764000000100,
        DeliveriesRecipients1764000000500,
        RiderPositions1764000000600,
        Riders1764000000720,
        ...demandMigrations,
        ...planningMigrations,
        DeliveriesBouquets1764000001100,
        RidersPendingShops1764000001200,
        DeliveryArrivals1764000001300,
        DeliveriesDeliveredAt1764000001400,
        RiderPositionIds1764000001500,
        DeliveriesPhoneExpiry1770000001500,
      ],
      eventLog: {},
    });
    return {
      module: DispatchModule,
      imports: [...foundation.imports, TypeOrmModule.forFeature([Delivery]), DemandModule],
      controllers: [
        DeliveriesController,
        RiderPositionsController,
        RiderRunController,
        RidersController,
        AssignmentsController,
        PlansController,
        LatenessController,
      ],
      providers: [
        ...foundation.providers,
        dispatchRelay,
        dispatchProjections,
        EtaTracker,
        { provide: SHOP_ETA_SETTINGS, useValue: shopSettingsFromPlanning satisfies ShopEtaSettingsLookup },
        ...planningProviders,
        orderEventsConsumer,
        RiderPositionsStore,
        trailRetention,
      ],
    };
  }
}
