import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, Scopes, shopFilter } from '@petalpost/auth';
import { type OrderStatus, OrderStatusSchema } from '@petalpost/contracts';
import { caughtUpWithLog } from '@petalpost/event-store';
import { ApiErrors, createZodDto, SERVICE_CONFIG } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { OrdersConfig } from '../../orders.config';
import { decodeCursor, encodeCursor, listOrderSummaries, ORDER_LIST_SORTS } from '../orders.queries';
import { ORDER_SUMMARIES_PROJECTION } from '../projections/order-summaries/order-summaries.projection';

// PostgreSQL has no year 0, which ISO 8601 (and so zod) allows.
const time = z.iso.datetime({ offset: true }).refine((t) => !t.startsWith('0000'), 'year 0 does not exist');

/** Unknown parameters are refused (strict): a misspelt filter must not silently list everything. */
class ListOrdersQuery extends createZodDto(
  z
    .strictObject({
      shopId: z.string().min(1).max(64).optional().describe('Operators: one shop (default: every shop). Everyone else sees their own shop only'),
      status: OrderStatusSchema.optional(),
      riderId: z.string().min(1).max(100).optional().describe("One rider's orders (riders always see only their own)"),
      windowFrom: time.optional().describe('Only orders whose delivery window starts at or after this time'),
      windowTo: time.optional().describe('Only orders whose delivery window starts before this time'),
      q: z.string().min(1).max(100).optional().describe("Part of the shop's reference or the recipient's name, case-insensitive"),
      sort: z.enum(ORDER_LIST_SORTS).default('window').describe('window: by delivery window start; placed: by when the order came in; "-" for descending'),
      cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page (with the same sort)'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    })
    .refine((query) => !query.windowFrom || !query.windowTo || Date.parse(query.windowFrom) < Date.parse(query.windowTo), {
      path: ['windowTo'],
      message: 'windowTo must be after windowFrom',
    }),
) {}

const OrderListItemSchema = z.object({
  orderId: z.string(),
  shopId: z.string(),
  status: OrderStatusSchema,
  reference: z.string().optional(),
  orderType: z.string(),
  deliveryWindow: z.object({ from: z.string(), to: z.string() }),
  deadline: z.string().optional(),
  placedAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  itemCount: z.number().int(),
  riderId: z.string().optional(),
  recipientName: z.string().optional().describe('"erased" once the recipient is forgotten'),
  openExceptions: z.number().int(),
  paid: z.boolean(),
});

/** A florist's list is the production queue. */
const PRODUCTION_QUEUE: readonly OrderStatus[] = ['accepted', 'in_production', 'ready'];

class OrderList extends createZodDto(
  z.object({
    items: z.array(OrderListItemSchema),
    nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
  }),
) {}

/**
 * The orders list, read from the order_summaries projection (moments behind the log). Lives
 * beside OrdersController on /orders: this one answers GET /orders, that one GET /orders/:orderId.
 */
@ApiTags('orders')
@ApiErrors(400, 401, 403, 404)
@Controller('orders')
export class OrdersQueryController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: OrdersConfig,
  ) {}

  @Get()
  @Roles('operator', 'staff', 'florist', 'dispatcher', 'rider')
  @Scopes('orders:read')
  @ApiOperation({ summary: "A shop's orders by delivery window, a page at a time (florists: the production queue; riders: their own orders)" })
  @ZodResponse({ status: 200, type: OrderList })
  async list(@Query() query: ListOrdersQuery, @CurrentPrincipal() principal: Principal) {
    // A screen refetches this list when the live stream tells of a change: the answer must not be
    // older than that news, so it waits (briefly, bounded) for the projection to pass what the log holds now.
    await caughtUpWithLog(this.dataSource.manager, ORDER_SUMMARIES_PROJECTION);
    const page = await listOrderSummaries(this.dataSource.manager, {
      shopId: shopFilter(principal, query.shopId),
      statuses: statusesFor(principal, query.status),
      riderId: principal.role === 'rider' ? principal.sub : query.riderId,
      riderGrace: principal.role === 'rider' ? { now: new Date().toISOString(), riderGraceMinutes: this.config.RIDER_GRACE_MINUTES } : undefined,
      windowFrom: query.windowFrom,
      windowTo: query.windowTo,
      q: query.q,
      sort: query.sort,
      after: query.cursor !== undefined ? decodeCursor(query.cursor) : undefined,
      limit: query.limit,
    });
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  }
}

function statusesFor(principal: Principal, status: OrderStatus | undefined): readonly OrderStatus[] | undefined {
  if (principal.role !== 'florist') return status && [status];
  if (status === undefined) return PRODUCTION_QUEUE;
  return PRODUCTION_QUEUE.includes(status) ? [status] : [];
}
