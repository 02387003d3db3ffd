import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { ApiErrors, createZodDto } from '@petalpost/platform';
import { InjectRepository } from '@nestjs/typeorm';
import { ZodResponse } from 'nestjs-zod';
import type { Repository } from 'typeorm';
import { arrivalsOf } from '../deliveries.queries';
import { z } from 'zod';
import { deliveryViewFor, DeliveryViewSchema } from './delivery-view';
import { Delivery, DELIVERY_STATUSES } from '../projections/delivery.entity';

class DeliveriesQuery extends createZodDto(
  z.strictObject({
    shopId: z.string().min(1).optional().describe('Operators choose a shop; everyone else sees their own'),
    status: z.enum(DELIVERY_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
) {}

class DeliveryList extends createZodDto(z.object({ items: z.array(DeliveryViewSchema) })) {}

@ApiTags('deliveries')
@ApiErrors(400, 401, 403)
@Controller('deliveries')
export class DeliveriesController {
  constructor(@InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>) {}

  @Get()
  @Roles('dispatcher', 'staff', 'operator', 'rider')
  @ApiOperation({
    summary:
      'The dispatch board of a shop: deliveries by window, soonest first, each with its ETA and risk. A rider sees only the deliveries assigned to them.',
  })
  @ZodResponse({ status: 200, type: DeliveryList })
  async list(@Query() query: DeliveriesQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const rows = await this.deliveries.find({
      where: {
        shopId,
        ...(query.status ? { status: query.status } : {}),
        // Riders see their own deliveries only, and only while assigned: another rider's is not there at all.
        ...(principal.role === 'rider' ? { riderId: principal.sub } : {}),
      },
      order: { windowFrom: 'ASC', orderId: 'ASC' },
      take: query.limit,
    });
    const arrivals = await arrivalsOf(
      this.deliveries.manager,
      rows.map((d) => d.orderId),
    );
    return { items: rows.map((delivery) => deliveryViewFor(principal, delivery, arrivals.get(delivery.orderId))) };
  }
}
