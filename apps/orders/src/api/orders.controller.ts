import { randomBytes, randomUUID } from 'node:crypto';
import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, type RiderGrace, Roles } from '@petalpost/auth';
import { DomainError, type RecipientContact, type Role } from '@petalpost/contracts';
import { type CommandResult, EventStore, foldEvents, requestFingerprint } from '@petalpost/event-store';
import { ApiErrorResponses, EmptyBody, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import type { OrderCommand } from '../domain/order.commands';
import { orderDecider } from '../domain/order.decider';
import { orderStream } from '../domain/order.events';
import type { Order, OrderState } from '../domain/order.state';
import type { Sealed } from '../domain/personal-data';
import { PICKUP_CODE_LENGTH, pickupCodeFrom } from '../domain/pickup-code';
import { OrderCommands } from '../order-commands.service';
import type { OrdersConfig } from '../orders.config';
import { openWithin, PersonalDataVault, PersonErased } from '../personal-data/personal-data-vault';
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
import { type OpenedPersonalData, orderViewFor } from './order-view';

const idempotencyHeader = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result and changes nothing' });
const ifMatchHeader = ApiHeader({ name: 'If-Match', required: false, description: 'The order version (ETag) you saw; a stale one gets 412' });

/** An order command over HTTP: who may send it, and what it says. */
const OrderCommandRoute = (path: string, summary: string, ...roles: Role[]) =>
  applyDecorators(Post(path), HttpCode(200), Roles('operator', ...roles), ApiOperation({ summary }), idempotencyHeader, ifMatchHeader, ZodResponse({ status: 200, type: OrderView }));

interface CommandHeaders {
  idempotencyKey?: string;
  ifMatch?: string;
}

/**
 * The orders API: requests become order commands (OrderCommands runs them through the
 * decider), answers are the order as the caller may see it (order-view.ts).
 */
@ApiTags('orders')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404, 409, 412, 413, 415)
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly store: EventStore,
    private readonly commands: OrderCommands,
    private readonly vault: PersonalDataVault,
    @Inject(SERVICE_CONFIG) private readonly config: OrdersConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Place an order (reserves its place in the delivery slot when the shop plans slots); it gets a pickup code for its label' })
  @idempotencyHeader
  @ZodResponse({ status: 201, type: OrderView })
  async place(
    @Body() body: PlaceOrderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const shopId = principal.role === 'operator' ? body.shopId : principal.shopId;
    if (!shopId) throw new DomainError('invalid', 'SHOP_REQUIRED', 'operators must say which shop the order is for (shopId)');
    if (body.shopId && body.shopId !== shopId) throw new DomainError('invalid', 'SHOP_MISMATCH', 'staff place orders for their own shop only');
    if (body.import && principal.role !== 'operator') throw new DomainError('forbidden', 'IMPORT_OPERATORS_ONLY', 'only operators import orders (import: true)');
    const orderId = randomUUID();
    const { customerId, ...buyer } = body.buyer;
    const { addressType, ...recipient } = body.recipient;
    // A returning customer is one person across their orders (one erasure forgets them all).
    const buyerId = customerId !== undefined ? `${shopId}:customer:${customerId}` : randomUUID();
    const buyerPerson = { personId: buyerId, shopId };
    const [sealedBuyer, sealedRecipient, sealedCard] = await Promise.all([
      this.vault.seal(buyerPerson, buyer),
      this.vault.seal({ personId: randomUUID(), shopId }, recipient),
      body.cardMessage !== undefined ? this.vault.seal(buyerPerson, body.cardMessage) : undefined,
    ]);
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
      buyer: sealedBuyer,
      recipient: sealedRecipient,
      cardMessage: sealedCard,
      price: body.price,
      paid: body.paid,
      pickupCode: pickupCodeFrom(randomBytes(PICKUP_CODE_LENGTH)),
      imported: body.import,
      now: new Date().toISOString(),
    };
    // The answer shows what was just sealed: no need to read the keys back.
    const opened = { buyer, recipient, ...(body.cardMessage !== undefined ? { cardMessage: body.cardMessage } : {}) };
    return this.run(principal, orderId, command, { idempotencyKey }, 'place', body, reply, { isNew: true, opened });
  }

  @OrderCommandRoute(':orderId/accept', 'Accept a placed order', 'staff')
  accept(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'AcceptOrder', now: now() }, headers(h), 'accept', null, reply);
  }

  @OrderCommandRoute(':orderId/reject', 'Reject a placed order, with the reason', 'staff')
  reject(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: ReasonBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'RejectOrder', reason: body.reason, now: now() }, headers(h), 'reject', body, reply);
  }

  @OrderCommandRoute(':orderId/cancel', 'Cancel an order that has not left the shop', 'staff')
  cancel(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: ReasonBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'CancelOrder', reason: body.reason, now: now() }, headers(h), 'cancel', body, reply);
  }

  @OrderCommandRoute(':orderId/payment', 'Record that the order is paid', 'staff')
  markPaid(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'MarkPaid', now: now() }, headers(h), 'payment', null, reply);
  }

  @OrderCommandRoute(':orderId/production/start', 'Start making the arrangement', 'staff', 'florist')
  startProduction(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'StartProduction', now: now() }, headers(h), 'production/start', null, reply);
  }

  @OrderCommandRoute(':orderId/production/photos', 'Attach a photo of the arrangement (shown to the buyer, never the recipient)', 'staff', 'florist')
  attachPhoto(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: PhotoBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'AttachArrangementPhoto', photoRef: body.photoRef, now: now() }, headers(h), 'production/photos', body, reply);
  }

  @OrderCommandRoute(':orderId/production/finish', 'The arrangement is ready for pickup', 'staff', 'florist')
  finishArrangement(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'FinishArrangement', now: now() }, headers(h), 'production/finish', null, reply);
  }

  @OrderCommandRoute(':orderId/rider', 'Assign (or reassign) the rider', 'staff', 'dispatcher')
  assignRider(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: AssignRiderBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'AssignRider', riderId: body.riderId, now: now() }, headers(h), 'rider', body, reply);
  }

  @OrderCommandRoute(':orderId/rider/unassign', 'Take the order away from its rider (before pickup)', 'staff', 'dispatcher')
  unassignRider(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: UnassignRiderBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'UnassignRider', riderId: body.riderId, reason: body.reason, now: now() }, headers(h), 'rider/unassign', body, reply);
  }

  @OrderCommandRoute(
    ':orderId/pickup',
    'The assigned rider picks the order up with the pickup code on its label: out for delivery (staff and dispatchers may hand it over without the code)',
    'staff',
    'dispatcher',
    'rider',
  )
  pickUp(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Body() body: PickUpBody,
    @CurrentPrincipal() p: Principal,
    @Headers() h: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: OrderCommand = { type: 'PickUp', riderId: p.role === 'rider' ? p.sub : undefined, pickupCode: body.pickupCode, now: now() };
    return this.run(p, orderId, command, headers(h), 'pickup', body, reply);
  }

  @OrderCommandRoute(':orderId/delivery', 'Delivered: how (to the recipient, a neighbour, a safe place, reception) and the proof', 'staff', 'dispatcher', 'rider')
  async deliver(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: DeliverBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    const at = now();
    // Who took the flowers is personal data about the recipient's delivery: sealed under the recipient's key.
    const receivedBy = body.receivedBy !== undefined ? await this.sealForRecipient(p, orderId, body.receivedBy) : undefined;
    const command: OrderCommand = { type: 'Deliver', outcome: body.outcome, proof: { ...body.proof, at: body.proof.at ?? at }, receivedBy, now: at };
    return this.run(p, orderId, command, headers(h), 'delivery', body, reply);
  }

  @OrderCommandRoute(':orderId/delivery/carded', 'Nobody home: a card was left', 'staff', 'dispatcher', 'rider')
  carded(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: CardedBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'MarkCarded', note: body.note, photoRef: body.photoRef, now: now() }, headers(h), 'delivery/carded', body, reply);
  }

  @OrderCommandRoute(':orderId/delivery/reattempt', 'Try a carded delivery again', 'staff', 'dispatcher', 'rider')
  reattempt(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() _body: EmptyBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'ReattemptDelivery', now: now() }, headers(h), 'delivery/reattempt', null, reply);
  }

  @OrderCommandRoute(':orderId/delivery/failed', 'The delivery failed, with the reason', 'staff', 'dispatcher', 'rider')
  failed(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: DeliveryFailedBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'ReportDeliveryFailed', reason: body.reason, note: body.note, now: now() }, headers(h), 'delivery/failed', body, reply);
  }

  @OrderCommandRoute(':orderId/delivery/reschedule', 'After a failed attempt: deliver again in a new window', 'staff', 'dispatcher')
  reschedule(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: WindowBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'RescheduleDelivery', deliveryWindow: body.deliveryWindow, now: now() }, headers(h), 'delivery/reschedule', body, reply);
  }

  @OrderCommandRoute(':orderId/return', 'After a failed attempt: the flowers are back at the shop', 'staff', 'dispatcher', 'rider')
  returnToShop(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: NoteBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'ReturnToShop', note: body.note, now: now() }, headers(h), 'return', body, reply);
  }

  @OrderCommandRoute(':orderId/address', "Correct the recipient's contact or address", 'staff', 'dispatcher')
  async correctAddress(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: CorrectAddressBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    const { addressType, ...recipient } = body.recipient;
    const sealed = await this.sealForRecipient(p, orderId, recipient satisfies RecipientContact);
    return this.run(p, orderId, { type: 'CorrectAddress', addressType, recipient: sealed, now: now() }, headers(h), 'address', body, reply);
  }

  @OrderCommandRoute(':orderId/window', 'Move the delivery window (moves its place to the new slot)', 'staff')
  changeWindow(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: WindowBody, @CurrentPrincipal() p: Principal, @Headers() h: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(p, orderId, { type: 'ChangeWindow', deliveryWindow: body.deliveryWindow, now: now() }, headers(h), 'window', body, reply);
  }

  @Get(':orderId')
  @ApiOperation({
    summary: 'An order as its events tell it, with the fields your role may see (404 for orders you may not see now); staff and operators may ask for it as of a past time',
  })
  @ZodResponse({ status: 200, type: OrderView })
  async get(@Param('orderId', ParseUUIDPipe) orderId: string, @Query() query: OrderAsOfQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    // Who may see the order is decided on the order as it is now, never as it was: a rider taken
    // off an order must not read it back through an audit of the time they had it.
    const events = await this.store.readStream(orderStream(orderId));
    assertVisible(principal, foldEvents(orderDecider, events), this.graceNow());
    if (query.asOf !== undefined) assertMayReadThePast(principal);
    const shown = query.asOf === undefined ? events : await this.store.readStream(orderStream(orderId), { asOf: query.asOf });
    const state = foldEvents(orderDecider, shown);
    return this.respond(principal, { streamId: orderStream(orderId), version: shown.length, state, events: [], replayed: false }, reply);
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

  private async run(
    principal: Principal,
    orderId: string,
    command: OrderCommand,
    request: CommandHeaders,
    route: string,
    body: unknown,
    reply: FastifyReply,
    { isNew = false, opened }: { isNew?: boolean; opened?: OpenedPersonalData } = {},
  ) {
    let result: CommandResult<OrderState>;
    try {
      result = await this.commands.execute(orderId, command, {
        actor: actorOf(principal),
        expectedVersion: parseIfMatch(request.ifMatch),
        // Keys are the caller's own: two clients (of any shops) choosing the same key never collide.
        idempotency: request.idempotencyKey
          ? { key: `${principal.role}:${principal.shopId ?? ''}:${principal.sub}:${request.idempotencyKey}`, fingerprint: requestFingerprint(route, isNew ? null : orderId, body) }
          : undefined,
        authorize: isNew ? undefined : (state) => assertVisible(principal, state, this.graceNow()),
      });
    } catch (err) {
      throw await this.inCallersView(principal, orderId, err);
    }
    return this.respond(principal, result, reply, result.replayed ? undefined : opened);
  }

  /**
   * A refusal answers with the order's current state: as the caller may see it (GET /orders/:id),
   * never the raw state, which holds what a rider or customer may not read (price, sealed contacts).
   */
  private async inCallersView(principal: Principal, orderId: string, err: unknown): Promise<unknown> {
    if (!(err instanceof DomainError) || typeof err.details?.state !== 'object' || err.details.state === null) return err;
    const events = await this.store.readStream(orderStream(orderId));
    const state = foldEvents(orderDecider, events);
    if (state.status === 'none') return err;
    const view = orderViewFor(principal, state, await this.open(state), events.length);
    const scoped = new DomainError(err.kind, err.code, err.message, { ...err.details, state: view });
    scoped.stack = err.stack;
    return scoped;
  }

  private async respond(principal: Principal, result: CommandResult<OrderState>, reply: FastifyReply, opened?: OpenedPersonalData) {
    if (result.state.status === 'none') throw orderNotFound();
    void reply.header('etag', `"${result.version}"`);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return orderViewFor(principal, result.state, opened ?? (await this.open(result.state)), result.version);
  }

  private async open(order: Order): Promise<OpenedPersonalData> {
    const fields = { buyer: order.buyer, recipient: order.recipient, cardMessage: order.cardMessage, receivedBy: order.delivery?.receivedBy };
    const present = Object.entries(fields).filter((entry): entry is [string, Sealed] => entry[1] !== undefined);
    const values = await this.vault.openAll(present.map(([, sealed]) => sealed));
    return Object.fromEntries(present.map(([field], i) => [field, values[i] ?? 'erased'])) as OpenedPersonalData;
  }

  private graceNow(): RiderGrace {
    return { now: now(), riderGraceMinutes: this.config.RIDER_GRACE_MINUTES };
  }

  /** Seals under the order's recipient (a new person when that one was erased or never recorded). */
  private async sealForRecipient(principal: Principal, orderId: string, value: unknown): Promise<Sealed> {
    const state = foldEvents(orderDecider, await this.store.readStream(orderStream(orderId)));
    assertVisible(principal, state, this.graceNow());
    const person = { personId: state.recipient?.personId ?? randomUUID(), shopId: state.shopId };
    try {
      return await this.vault.seal(person, value);
    } catch (err) {
      if (!(err instanceof PersonErased)) throw err;
      return this.vault.seal({ personId: randomUUID(), shopId: state.shopId }, value);
    }
  }
}

const now = () => new Date().toISOString();

function headers(h: Record<string, string | undefined>): CommandHeaders {
  return { idempotencyKey: h['idempotency-key'], ifMatch: h['if-match'] };
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new DomainError('invalid', 'BAD_IF_MATCH', 'If-Match must be an order version such as "3"');
  return Number(match[1]);
}
