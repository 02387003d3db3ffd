import { isIPv6 } from 'node:net';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { assertShopInScope, canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError, type Role } from '@petalpost/contracts';
import { ApiErrors, createZodDto, EmptyBody, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { TrackedOrder } from '../domain/tracked-order.evolve';
import { announceChange, findTrackedOrder, messagesOfShop, trackingChannel } from '../tracked-orders.store';
import type { TrackingServiceConfig } from '../tracking.config';
import { endOfLinkId, linkEndsAt, linkIdHash, linkOuterLimit, newLinkId, trackingUrl } from '../tracking-links';
import { insertLink, type LinkActor, revokeLinks, type StoredTrackingLink, usableLinksOf } from '../tracking-links.store';

const linkFields = {
  linkId: z.string().describe('Names the link to staff (to withdraw it); it is not the link and opens nothing'),
  endsWith: z.string().describe("The last 4 characters of the link's id, to tell which link a customer has"),
  createdAt: z.string(),
  createdBy: z.object({ role: z.string(), subject: z.string() }),
  expiresAt: z.string().describe('When the link stops working: its own end, or a grace period after the order is over, whichever is first'),
};

class MintedTrackingLink extends createZodDto(
  z.object({
    url: z.string().describe('The page to send the customer, shown only now; safe to forward (it shows no contact details)'),
    ...linkFields,
  }),
) {}

class TrackingLinkList extends createZodDto(z.object({ items: z.array(z.object(linkFields)).describe('Links that work now, oldest first') })) {}

class RevokedLinks extends createZodDto(z.object({ revoked: z.number().int().describe('Links withdrawn by this call') })) {}

class CustomerMessagesQuery extends createZodDto(
  z.strictObject({
    orderId: z.string().min(1).max(100).optional().describe("One order's messages"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}

class CustomerMessageList extends createZodDto(
  z.object({
    items: z.array(
      z.object({ messageId: z.string(), orderId: z.string(), text: z.string().describe('Plain text: show it as text, never as HTML'), sentAt: z.string() }),
    ),
  }),
) {}

/** Who looks after an order's links: its shop's staff and dispatchers, and operators. Anyone else is told the order does not exist. */
const LINK_KEEPERS: readonly Role[] = ['staff', 'dispatcher', 'operator'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const orderNotFound = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
const linkNotFound = () => new DomainError('not_found', 'TRACKING_LINK_NOT_FOUND', 'no such tracking link for this order');
const actorOf = (principal: Principal): LinkActor => ({ role: principal.role, subject: principal.sub });

/** What shop staff do with tracking: send a link, see and withdraw the links sent, read what customers wrote. */
@ApiTags('tracking')
@Controller()
export class TrackingStaffController {
  private readonly channel: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: TrackingServiceConfig,
  ) {
    this.channel = trackingChannel(config.DATABASE_SCHEMA);
  }

  @Post('orders/:orderId/tracking-link')
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      "A new tracking link for the order's customer: an opaque id shown only in this answer, working until its own end or a grace period after delivery (or cancellation), or until withdrawn",
  })
  @ApiErrors(401, 403, 404)
  @ZodResponse({ status: 201, type: MintedTrackingLink })
  async mint(@Param('orderId') orderId: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const order = await findTrackedOrder(this.dataSource, orderId);
    if (!order || !canSeeShop(principal, order.shopId)) throw orderNotFound();
    const now = new Date();
    const id = newLinkId();
    const link = await insertLink(this.dataSource, {
      idHash: linkIdHash(id),
      endsWith: endOfLinkId(id),
      orderId: order.orderId,
      shopId: order.shopId,
      createdAt: now.toISOString(),
      createdBy: actorOf(principal),
      expiresAt: linkOuterLimit(order, now, this.config.TRACKING_LINK_DAYS).toISOString(),
    });
    // Without a configured address (development only), the address this connection reached: never the caller's Host header.
    const baseUrl = this.config.TRACKING_PUBLIC_URL ?? ownAddress(request);
    return { url: trackingUrl(baseUrl, id), ...this.shown(link, order) };
  }

  @Get('orders/:orderId/tracking-links')
  @ApiOperation({ summary: "The order's tracking links that work now, each named by the last characters of its id (the ids themselves are not kept)" })
  @ApiErrors(401, 404)
  @ZodResponse({ status: 200, type: TrackingLinkList })
  async list(@Param('orderId') orderId: string, @CurrentPrincipal() principal: Principal) {
    const order = await this.keptOrder(orderId, principal);
    const now = Date.now();
    const links = (await usableLinksOf(this.dataSource, order.orderId, new Date(now))).map((link) => this.shown(link, order));
    return { items: links.filter((link) => Date.parse(link.expiresAt) > now) };
  }

  @Delete('orders/:orderId/tracking-links/:linkId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraws one tracking link: at once, its page answers as for a link that never existed (open pages are closed)' })
  @ApiResponse({ status: 204, description: 'Withdrawn (or already withdrawn)' })
  @ApiErrors(401, 404)
  async revoke(@Param('orderId') orderId: string, @Param('linkId') linkId: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    const order = await this.keptOrder(orderId, principal);
    if (!UUID.test(linkId)) throw linkNotFound();
    const { found } = await this.withdraw(order, linkId, principal);
    if (found === 0) throw linkNotFound();
  }

  @Delete('orders/:orderId/tracking-links')
  @ApiOperation({ summary: 'Withdraws every tracking link of the order (the customer needs a new one to follow it)' })
  @ApiErrors(401, 404)
  @ZodResponse({ status: 200, type: RevokedLinks })
  async revokeAll(@Param('orderId') orderId: string, @CurrentPrincipal() principal: Principal) {
    const order = await this.keptOrder(orderId, principal);
    const { revoked } = await this.withdraw(order, undefined, principal);
    return { revoked };
  }

  @Get('shops/:shopId/customer-messages')
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      "What customers wrote from their tracking pages, newest first (each is also posted in the order's customer channel in messaging, where staff answer)",
  })
  @ApiErrors(400, 401, 403, 404)
  @ZodResponse({ status: 200, type: CustomerMessageList })
  async messages(@Param('shopId') shopId: string, @Query() query: CustomerMessagesQuery, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    const items = await messagesOfShop(this.dataSource, shopId, { limit: query.limit, orderId: query.orderId });
    return { items: items.map(({ messageId, orderId, text, sentAt }) => ({ messageId, orderId, text, sentAt })) };
  }

  /** The order, if this caller looks after its links; 404 otherwise, as for an order that does not exist. */
  private async keptOrder(orderId: string, principal: Principal): Promise<TrackedOrder> {
    const order = await findTrackedOrder(this.dataSource, orderId);
    if (!order || !LINK_KEEPERS.includes(principal.role) || !canSeeShop(principal, order.shopId)) throw orderNotFound();
    return order;
  }

  /** Announced like a change of the order, so every replica closes the pages opened with a withdrawn link. */
  private withdraw(order: TrackedOrder, linkId: string | undefined, principal: Principal) {
    return this.dataSource.transaction(async (db) => {
      const result = await revokeLinks(db, order.orderId, linkId, actorOf(principal), new Date());
      if (result.revoked > 0) await announceChange(db, this.channel, order.orderId);
      return result;
    });
  }

  private shown(link: StoredTrackingLink, order: TrackedOrder) {
    return {
      linkId: link.linkId,
      endsWith: link.endsWith,
      createdAt: link.createdAt,
      createdBy: link.createdBy,
      expiresAt: linkEndsAt(link.expiresAt, order, this.config.TRACKING_GRACE_HOURS),
    };
  }
}

function ownAddress(request: FastifyRequest): string {
  const { localAddress, localPort } = request.raw.socket;
  const host = localAddress && isIPv6(localAddress) ? `[${localAddress}]` : (localAddress ?? '127.0.0.1');
  return `http://${host}:${localPort}`;
}
