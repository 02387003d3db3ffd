import { Body, Controller, Delete, Param, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { canSeeShop, type Principal, Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { EventStore, fromRequest, readState, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest, createZodDto, EmptyBody } from '@petalpost/platform';
import { InjectRepository } from '@nestjs/typeorm';
import { ZodResponse } from 'nestjs-zod';
import type { Repository } from 'typeorm';
import { z } from 'zod';
import { Delivery, DELIVERY_STATUSES } from '../../deliveries/projections/delivery.entity';
import { type BoardView, deliveryDecider, type DeliveryDecisionCommand, deliveryStream } from '../../deliveries/domain/delivery.decider';
import { riderDecider, riderStream } from '../../riders/domain/rider.decider';

class AssignRiderBody extends createZodDto(z.strictObject({ riderId: z.string().min(1).max(100) }).meta({ example: { riderId: 'rita' } })) {}

class UnassignRiderQuery extends createZodDto(
  z.strictObject({ reason: z.string().trim().min(1).max(500).optional().describe('Why, for the rider and the history') }),
) {}

const DECISIONS = ['assignment_requested', 'unassignment_requested', 'already_assigned'] as const;

const AssignmentDecisionSchema = z.object({
  orderId: z.string(),
  shopId: z.string(),
  riderId: z.string().describe('The rider asked for, or the rider being freed'),
  decision: z.enum(DECISIONS).describe('What dispatch asked the orders service to do; already_* asks nothing'),
  board: z.object({ status: z.enum(DELIVERY_STATUSES), riderId: z.string().nullable() }).describe('The delivery as the board showed it when deciding'),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })).describe('Things the dispatcher may want to know, such as a rider who is off shift'),
});
type AssignmentDecisionView = z.infer<typeof AssignmentDecisionSchema>;
class AssignmentDecision extends createZodDto(AssignmentDecisionSchema) {}

/**
 * A dispatcher gives an order to a rider, moves it to another, or takes it away. Dispatch only
 * decides: the decision is appended to the delivery's stream and the relay sends it to the orders
 * service as a command, which owns the order and applies it (or refuses it) in its own time. Hence
 * 202: the board shows the rider once RiderAssigned comes back on orders.events. A retry with the
 * same Idempotency-Key asks nothing again and answers the decision taken the first time, with the
 * board as it is now.
 */
@ApiTags('assignments')
@ApiErrors(400, 401, 403, 404, 409)
@Controller('deliveries/:orderId/rider')
export class AssignmentsController {
  constructor(
    @InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>,
    private readonly store: EventStore,
  ) {}

  @Put()
  @Roles('dispatcher', 'staff', 'operator')
  @ApiCommand('Assign the order to a rider of its shop, or reassign it (409 with the board’s state when it can no longer change hands)')
  @ZodResponse({ status: 202, type: AssignmentDecision })
  async assign(@Param('orderId') orderId: string, @Body() body: AssignRiderBody, @CommandRequest() request: CommandRequest): Promise<AssignmentDecisionView> {
    const { principal } = request;
    const delivery = await this.visibleDelivery(orderId, principal);
    const rider = await readState(this.store, riderDecider, riderStream(body.riderId));
    // The rider's own stream, not the read model: a rider registered a moment ago can be given orders at once.
    if (rider.status === 'none' || !rider.shopIds.includes(delivery.shopId)) {
      throw new DomainError('conflict', 'RIDER_NOT_IN_SHOP', `shop ${delivery.shopId} has no rider ${body.riderId}`, {
        riderId: body.riderId,
        shopId: delivery.shopId,
      });
    }
    const board = boardOf(delivery);
    const command: DeliveryDecisionCommand = {
      type: 'RequestAssignment',
      orderId,
      shopId: delivery.shopId,
      riderId: body.riderId,
      board,
      source: 'manual',
      now: now(),
    };
    const result = await runCommand(this.store, deliveryDecider, deliveryStream(orderId), command, fromRequest(request, ['assign', orderId, body]));
    const decision: AssignmentDecisionView['decision'] = result.events.length > 0 || result.replayed ? 'assignment_requested' : 'already_assigned';
    // Planning ahead is allowed (a shift may start later), but the dispatcher should see it.
    const warnings =
      rider.availability === 'on_shift'
        ? []
        : [{ code: rider.availability === 'off' ? 'RIDER_OFF_SHIFT' : 'RIDER_ON_BREAK', message: `the rider is ${rider.availability.replace('_', ' ')}` }];
    return answer(request, result, {
      orderId,
      shopId: delivery.shopId,
      riderId: body.riderId,
      decision,
      board: { status: delivery.status, riderId: board.riderId },
      warnings,
    });
  }

  @Delete()
  @Roles('dispatcher', 'staff', 'operator')
  @ApiCommand('Take the order away from its rider while the shop still has the flowers (409 with the board’s state otherwise)')
  @ZodResponse({ status: 202, type: AssignmentDecision })
  async unassign(
    @Param('orderId') orderId: string,
    @Body() _body: EmptyBody,
    @Query() query: UnassignRiderQuery,
    @CommandRequest() request: CommandRequest,
  ): Promise<AssignmentDecisionView> {
    const delivery = await this.visibleDelivery(orderId, request.principal);
    const board = boardOf(delivery);
    const command: DeliveryDecisionCommand = {
      type: 'RequestUnassignment',
      orderId,
      shopId: delivery.shopId,
      board,
      reason: query.reason,
      source: 'manual',
      now: now(),
    };
    const result = await runCommand(this.store, deliveryDecider, deliveryStream(orderId), command, fromRequest(request, ['unassign', orderId, query]));
    // The decider refuses an order without a rider, and otherwise always asks: the event names the rider.
    const [requested] = result.replayed ? await this.store.readStream(deliveryStream(orderId), { fromVersion: result.version }) : result.events;
    const { riderId } = requested.data as { riderId: string };
    return answer(request, result, {
      orderId,
      shopId: delivery.shopId,
      riderId,
      decision: 'unassignment_requested',
      board: { status: delivery.status, riderId: board.riderId },
      warnings: [],
    });
  }

  private async visibleDelivery(orderId: string, principal: Principal): Promise<Delivery> {
    const delivery = await this.deliveries.findOne({ where: { orderId } });
    if (!delivery || !canSeeShop(principal, delivery.shopId)) throw new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
    return delivery;
  }
}

function boardOf(delivery: Delivery): BoardView {
  return { status: delivery.status, riderId: delivery.riderId, windowTo: delivery.windowTo.toISOString() };
}

function now(): string {
  return new Date().toISOString();
}
