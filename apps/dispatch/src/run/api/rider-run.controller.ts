import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { caughtUpWithLog } from '@petalpost/event-store';
import { ApiErrors, createZodDto, SERVICE_CONFIG } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { arrivalsOf, openDeliveriesOf } from '../../deliveries/deliveries.queries';
import { DELIVERY_RISKS } from '../../deliveries/domain/delivery-risk';
import { OPEN_STATUSES } from '../../deliveries/projections/delivery.entity';
import type { DispatchConfig } from '../../dispatch.config';
import { SHOP_ETA_SETTINGS, type ShopEtaSettingsLookup } from '../../eta/eta-tracker';
import { appliedPlanStopsOf } from '../../planning/plans.queries';
import { riderRun } from '../domain/rider-run';

/** The read models the run is made of that follow dispatch's own log (the board follows orders.events). */
const RUN_PROJECTIONS = ['plans', 'delivery-arrivals'];

const RunStopSchema = z.object({
  orderId: z.string(),
  status: z.enum(OPEN_STATUSES as [string, ...string[]]).describe('As the board has it: awaiting_assignment, ready_for_pickup or out_for_delivery'),
  window: z.object({ from: z.string(), to: z.string(), timeZone: z.string().describe("The shop's IANA time zone, to show the window on its clock") }),
  eta: z.string().nullable().describe('When dispatch last estimated the rider reaches the door; null before an estimate'),
  risk: z.enum(DELIVERY_RISKS).describe('As dispatch flagged it for the current window (DeliveryAtRisk, DeliveryLate)'),
  riskSince: z.string().nullable().describe('When the risk was flagged; null when on time'),
  trip: z.number().int().nullable().describe('The applied plan’s trip (from 1); null when the order is not on it'),
  stop: z.number().int().nullable().describe('The stop within the trip (from 1); null when the order is not on the plan'),
  carrying: z.boolean().describe('The rider has the flowers (out for delivery); false while they are still to be picked up'),
});

const RiderRunSchema = z
  .object({
    riderId: z.string(),
    shopId: z.string(),
    planId: z.string().nullable().describe('The applied plan the run follows; null when none of its stops is planned'),
    plannedAt: z.string().nullable().describe('When that plan was applied'),
    asOf: z.string().describe('When the run was read (the server clock)'),
    stops: z.array(RunStopSchema).describe('In the order to ride them'),
  })
  .meta({
    example: {
      riderId: 'rita',
      shopId: 'rosewood',
      planId: '8b0f5c1e-3a53-4a8e-9d0e-0c7a1f6b2d11',
      plannedAt: '2026-02-14T09:02:11.000Z',
      asOf: '2026-02-14T09:40:00.000Z',
      stops: [
        {
          orderId: '5f1d7c9a-2b1e-4c3d-8e7f-6a5b4c3d2e1f',
          status: 'out_for_delivery',
          window: { from: '2026-02-14T09:00:00.000Z', to: '2026-02-14T11:00:00.000Z', timeZone: 'Europe/Amsterdam' },
          eta: '2026-02-14T09:52:00.000Z',
          risk: 'on_time',
          riskSince: null,
          trip: 1,
          stop: 1,
          carrying: true,
        },
        {
          orderId: '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d',
          status: 'ready_for_pickup',
          window: { from: '2026-02-14T10:00:00.000Z', to: '2026-02-14T10:30:00.000Z', timeZone: 'Europe/Amsterdam' },
          eta: '2026-02-14T10:24:00.000Z',
          risk: 'at_risk',
          riskSince: '2026-02-14T09:38:00.000Z',
          trip: 2,
          stop: 1,
          carrying: false,
        },
      ],
    },
  });

class RiderRun extends createZodDto(RiderRunSchema) {}

/** The rider's day: their open deliveries in the order to ride them, each with its window, ETA and risk. */
@ApiTags('riders')
@ApiErrors(401, 403)
@Controller('riders')
export class RiderRunController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchConfig,
    @Inject(SHOP_ETA_SETTINGS) private readonly shopSettings: ShopEtaSettingsLookup,
  ) {}

  @Get('me/run')
  @Roles('rider')
  @ApiOperation({
    summary:
      "The rider's run today: their open deliveries in the applied plan's trip and stop order, the rest after them by window; each with window, ETA, risk and whether the rider has the flowers. No recipient: the order says who.",
  })
  @ZodResponse({ status: 200, type: RiderRun })
  async run(@CurrentPrincipal() principal: Principal) {
    const rider = { shopId: shopInScope(principal, undefined), riderId: principal.sub };
    const db = this.dataSource.manager;
    // The app refetches this when told the run changed (RiderRunReplanned, DeliveryAtRisk): the answer
    // must not be older than that news, so it waits (briefly, bounded) for the plans and arrivals to pass the log.
    await Promise.all(RUN_PROJECTIONS.map((projection) => caughtUpWithLog(db, projection)));
    const now = new Date();
    const deliveries = await openDeliveriesOf(db, rider);
    const orderIds = deliveries.map((d) => d.orderId);
    const [planned, arrivals, settings] = await Promise.all([
      appliedPlanStopsOf(db, rider.riderId, orderIds),
      arrivalsOf(db, orderIds),
      this.shopSettings(rider.shopId, db),
    ]);
    return riderRun({ rider, deliveries, planned, arrivals, timeZone: settings.timeZone ?? this.config.DISPATCH_TIME_ZONE, now });
  }
}
