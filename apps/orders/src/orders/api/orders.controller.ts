import { randomBytes, randomUUID } from 'node:crypto';
import { applyDecorators, Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, type RiderGrace, Roles, Scopes, shopInScope } from '@petalpost/auth';
import { DomainError, type RecipientContact, type Role } from '@petalpost/contracts';
import { EventStore, foldEvents, fromRequest } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest, EmptyBody, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import type { OrderCommand } from '../domain/order.commands';
import { orderDecider } from '../domain/order.decider';
import { orderStream } from '../domain/order.events';
import type { OrderState } from '../domain/order.state';
import { PICKUP_CODE_LENGTH, pickupCodeFrom } from '../domain/pickup-code';
import { OrderCommands } from '../order-commands.service';
import type { OrdersConfig } from '../../orders.config';
import { type OpenedPersonalData, openOrder, sealForRecipient, sealNewOrder } from '../../personal-data/order-personal-data';
import { openWithin, PersonalDataVault } from '../../personal-data/personal-data-vault';
import { assertMayReadThePast, assertVisible, orderNotFound } from './order-access';
import {
  AssignRiderBody,
  CardedBody,
  CorrectAddressBody,
  DeliverBody,
  DeliveryFailedBody,
  NoteBody,
  OrderAsOfQuery,
  OrderHistory,
  OrderView,
  PhotoBody,
  PickUpBody,
  PlaceOrderBody,
  ReasonBody,
  UnassignRiderBody,
  WindowBody,
} from './order.dto';
import { orderViewFor } from './order-view';

/** An order command over HTTP: who may send it, and what it says. */
const OrderCommandRoute = (path: string, summary: string, ...roles: Role[]) =>
  applyDecorators(Post(path), Roles('operator', ...roles), ApiCommand(summary, { ifMatch: true }), ZodResponse({ status: 200, type: OrderView }));

/**
 * The orders API: requests become order commands (OrderCommands runs them through the
 * decider), answers are the order as the caller may see it (order-view.ts).
 */
@ApiTags('orders')
@ApiErrors(400, 401, 403, 404, 409, 412, 413, 415)
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly store: EventStore,
    private readonly commands: OrderCommands,
    private readonly vault: PersonalDataVault,
    @Inject(SERVICE_CONFIG) private readonly config: OrdersConfig,
  ) {}

  @Post()
  @Roles('staff', 'operator')
  // A shop's web shop or till places orders with its API key.
  @Scopes('orders:write')
  @ApiCommand('Place an order (reserves its place in the delivery slot when the shop plans slots); it gets a pickup code for its label')
  @ZodResponse({ status: 201, type: OrderView })
  async place(@Body() body: PlaceOrderBody, @CommandRequest() request: CommandRequest) {
    const { principal } = request;
    const shopId = shopInScope(principal, body.shopId, () => new DomainError('invalid', 'SHOP_MISMATCH', 'staff place orders for their own shop only'));
    if (body.import && principal.role !== 'operator')
      throw new DomainError('forbidden', 'IMPORT_OPERATORS_ONLY', 'only operators import orders (import: true)');
    const orderId = randomUUID();
    const { customerId, ...buyer } = body.buyer;
    const { addressType, ...recipient } = body.recipient;
    const sealed = await sealNewOrder(this.vault, shopId, { buyer, customerId, recipient, cardMessage: body.cardMessage });
    const command: OrderCommand = {
      type: 'PlaceOrder',
      orderId,
      shopId,
      reference: body.reference,
      orderType: body.orderType,
      source: body.source,
      items: body.items,
      deliveryWindow: body.deliveryWindow,
      deadline: body.deadline,
      addressType,
      anonymousSender: body.anonymousSender,
      doNotContactRecipient: body.doNotContactRecipient,
      buyer: sealed.buyer,
      recipient: sealed.recipient,
      cardMessage: sealed.cardMessage,
      price: body.price,
      paid: body.paid,
      pickupCode: pickupCodeFrom(randomBytes(PICKUP_CODE_LENGTH)),
      imported: body.import,
      now: now(),
    };
    // The answer shows what was just sealed: no need to read the keys back.
    const opened = { buyer, recipient, ...(body.cardMessage !== undefined ? { cardMessage: body.cardMessage } : {}) };
    return this.run(request, orderId, command, ['place', null, body], { isNew: true, opened });
  }

  @OrderCommandRoute(':orderId/accept', 'Accept a placed order', 'staff')
  accept(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'AcceptOrder', now: now() }, ['accept', orderId, null]);
  }

  @OrderCommandRoute(':orderId/reject', 'Reject a placed order, with the reason', 'staff')
  reject(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: ReasonBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'RejectOrder', reason: body.reason, now: now() }, ['reject', orderId, body]);
  }

  @OrderCommandRoute(':orderId/cancel', 'Cancel an order that has not left the shop', 'staff')
  cancel(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: ReasonBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'CancelOrder', reason: body.reason, now: now() }, ['cancel', orderId, body]);
  }

  @OrderCommandRoute(':orderId/payment', 'Record that the order is paid', 'staff')
  markPaid(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'MarkPaid', now: now() }, ['payment', orderId, null]);
  }

  @OrderCommandRoute(':orderId/production/start', 'Start making the arrangement', 'staff', 'florist')
  startProduction(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'StartProduction', now: now() }, ['production/start', orderId, null]);
  }

  @OrderCommandRoute(':orderId/production/photos', 'Attach a photo of the arrangement (shown to the buyer, never the recipient)', 'staff', 'florist')
  attachPhoto(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: PhotoBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'AttachArrangementPhoto', photoRef: body.photoRef, now: now() }, ['production/photos', orderId, body]);
  }

  @OrderCommandRoute(':orderId/production/finish', 'The arrangement is ready for pickup', 'staff', 'florist')
  finishArrangement(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'FinishArrangement', now: now() }, ['production/finish', orderId, null]);
  }

  @OrderCommandRoute(':orderId/rider', 'Assign (or reassign) the rider', 'staff', 'dispatcher')
  assignRider(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: AssignRiderBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'AssignRider', riderId: body.riderId, now: now() }, ['rider', orderId, body]);
  }

  @OrderCommandRoute(':orderId/rider/unassign', 'Take the order away from its rider (before pickup)', 'staff', 'dispatcher')
  unassignRider(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: UnassignRiderBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'UnassignRider', riderId: body.riderId, reason: body.reason, now: now() }, ['rider/unassign', orderId, body]);
  }

  @OrderCommandRoute(
    ':orderId/pickup',
    'The assigned rider picks the order up with the pickup code on its label: out for delivery (staff and dispatchers may hand it over without the code)',
    'staff',
    'dispatcher',
    'rider',
  )
  pickUp(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: PickUpBody, @CommandRequest() request: CommandRequest) {
    const { principal } = request;
    const command: OrderCommand = { type: 'PickUp', riderId: principal.role === 'rider' ? principal.sub : undefined, pickupCode: body.pickupCode, now: now() };
    return this.run(request, orderId, command, ['pickup', orderId, body]);
  }

  @OrderCommandRoute(
    ':orderId/delivery',
    'Delivered: how (to the recipient, a neighbour, a safe place, reception) and the proof',
    'staff',
    'dispatcher',
    'rider',
  )
  async deliver(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: DeliverBody, @CommandRequest() request: CommandRequest) {
    const at = now();
    // Who took the flowers is personal data about the recipient's delivery: sealed under the recipient's key.
    const receivedBy = body.receivedBy !== undefined ? await this.sealForRecipient(request.principal, orderId, body.receivedBy) : undefined;
    const command: OrderCommand = { type: 'Deliver', outcome: body.outcome, proof: { ...body.proof, at: body.proof.at ?? at }, receivedBy, now: at };
    return this.run(request, orderId, command, ['delivery', orderId, body]);
  }

  @OrderCommandRoute(':orderId/delivery/carded', 'Nobody home: a card was left', 'staff', 'dispatcher', 'rider')
  carded(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: CardedBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'MarkCarded', note: body.note, photoRef: body.photoRef, now: now() }, ['delivery/carded', orderId, body]);
  }

  @OrderCommandRoute(':orderId/delivery/reattempt', 'Try a carded delivery again', 'staff', 'dispatcher', 'rider')
  reattempt(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'ReattemptDelivery', now: now() }, ['delivery/reattempt', orderId, null]);
  }

  @OrderCommandRoute(':orderId/delivery/failed', 'The delivery failed, with the reason', 'staff', 'dispatcher', 'rider')
  failed(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: DeliveryFailedBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'ReportDeliveryFailed', reason: body.reason, note: body.note, now: now() }, ['delivery/failed', orderId, body]);
  }

  @OrderCommandRoute(':orderId/delivery/reschedule', 'After a failed attempt: deliver again in a new window', 'staff', 'dispatcher')
  reschedule(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: WindowBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'RescheduleDelivery', deliveryWindow: body.deliveryWindow, now: now() }, ['delivery/reschedule', orderId, body]);
  }

  @OrderCommandRoute(':orderId/return', 'After a failed attempt: the flowers are back at the shop', 'staff', 'dispatcher', 'rider')
  returnToShop(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: NoteBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'ReturnToShop', note: body.note, now: now() }, ['return', orderId, body]);
  }

  @OrderCommandRoute(':orderId/address', "Correct the recipient's contact or address", 'staff', 'dispatcher')
  async correctAddress(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: CorrectAddressBody, @CommandRequest() request: CommandRequest) {
    const { addressType, ...recipient } = body.recipient;
    const sealed = await this.sealForRecipient(request.principal, orderId, recipient satisfies RecipientContact);
    return this.run(request, orderId, { type: 'CorrectAddress', addressType, recipient: sealed, now: now() }, ['address', orderId, body]);
  }

  @OrderCommandRoute(':orderId/window', 'Move the delivery window (moves its place to the new slot)', 'staff')
  changeWindow(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: WindowBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, orderId, { type: 'ChangeWindow', deliveryWindow: body.deliveryWindow, now: now() }, ['window', orderId, body]);
  }

  @Get(':orderId')
  @Scopes('orders:read')
  @ApiOperation({
    summary:
      'An order as its events tell it, with the fields your role may see (404 for orders you may not see now); staff and operators may ask for it as of a past time',
  })
  @ZodResponse({ status: 200, type: OrderView })
  async get(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Query() query: OrderAsOfQuery,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // Who may see the order is decided on the order as it is now, never as it was: a rider taken
    // off an order must not read it back through an audit of the time they had it.
    const events = await this.store.readStream(orderStream(orderId));
    assertVisible(principal, foldEvents(orderDecider, events), this.graceNow());
    if (query.asOf !== undefined) assertMayReadThePast(principal);
    const shown = query.asOf === undefined ? events : await this.store.readStream(orderStream(orderId), { asOf: query.asOf });
    const state = foldEvents(orderDecider, shown);
    return answer({ reply }, { version: shown.length, replayed: false }, await this.view(principal, state, shown.length));
  }

  @Get(':orderId/history')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "Every change of an order, with who made it and when: the shop's audit trail" })
  @ZodResponse({ status: 200, type: OrderHistory })
  async history(@Param('orderId', ParseUUIDPipe) orderId: string, @CurrentPrincipal() principal: Principal) {
    const events = await this.store.readStream(orderStream(orderId));
    assertVisible(principal, foldEvents(orderDecider, events), this.graceNow());
    const items = events.map((e) => ({
      version: e.streamVersion,
      type: e.type,
      occurredAt: e.metadata.occurredAt,
      recordedAt: e.recordedAt.toISOString(),
      actor: e.metadata.actor,
      correlationId: e.metadata.correlationId,
      data: e.data,
    }));
    return { items: (await openWithin(this.vault, items)) as typeof items };
  }

  /** An order command from a request, answered with the order as the caller may see it. */
  private async run(
    request: CommandRequest,
    orderId: string,
    command: OrderCommand,
    fingerprint: unknown[],
    { isNew = false, opened }: { isNew?: boolean; opened?: OpenedPersonalData } = {},
  ) {
    const { principal } = request;
    try {
      const result = await this.commands.execute(orderId, command, {
        // A new order has no version to match yet.
        ...fromRequest(request, fingerprint, { ifMatch: !isNew }),
        authorize: isNew ? undefined : (state) => assertVisible(principal, state, this.graceNow()),
      });
      return answer(request, result, await this.view(principal, result.state, result.version, result.replayed ? undefined : opened));
    } catch (err) {
      throw await this.inCallersView(principal, orderId, err);
    }
  }

  /**
   * A refusal answers with the order's current state as the caller may see it (GET /orders/:id),
   * never the raw state, which holds what a rider or customer may not read (price, sealed
   * contacts, the pickup code).
   */
  private async inCallersView(principal: Principal, orderId: string, err: unknown): Promise<unknown> {
    if (!(err instanceof DomainError) || typeof err.details?.state !== 'object' || err.details.state === null) return err;
    const events = await this.store.readStream(orderStream(orderId));
    const state = foldEvents(orderDecider, events);
    if (state.status === 'none') return err;
    const scoped = new DomainError(err.kind, err.code, err.message, { ...err.details, state: await this.view(principal, state, events.length) });
    scoped.stack = err.stack;
    return scoped;
  }

  private async view(principal: Principal, state: OrderState, version: number, opened?: OpenedPersonalData) {
    if (state.status === 'none') throw orderNotFound();
    return orderViewFor(principal, state, opened ?? (await openOrder(this.vault, state)), version);
  }

  private graceNow(): RiderGrace {
    return { now: now(), riderGraceMinutes: this.config.RIDER_GRACE_MINUTES };
  }

  private async sealForRecipient(principal: Principal, orderId: string, value: unknown) {
    const order = foldEvents(orderDecider, await this.store.readStream(orderStream(orderId)));
    assertVisible(principal, order, this.graceNow());
    return sealForRecipient(this.vault, order, value);
  }
}

const now = () => new Date().toISOString();
