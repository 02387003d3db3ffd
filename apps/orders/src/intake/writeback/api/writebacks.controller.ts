import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiErrors, createZodDto, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { WRITEBACK_PLATFORMS, WRITEBACK_STATUSES } from '../domain/writeback-plan';
import { IntakeWritebacksStore } from '../intake-writebacks.store';

const stamp = z.string().describe('ISO 8601');

export const WritebackViewSchema = z
  .object({
    writebackId: z.uuid(),
    orderId: z.uuid(),
    connectionId: z.uuid(),
    platform: z.enum(WRITEBACK_PLATFORMS),
    externalRef: z.string().describe("The order's id in the shop system"),
    status: z
      .enum(WRITEBACK_STATUSES)
      .describe(
        "What is told: Shopify and WooCommerce out for delivery, delivered, carded or failed; a Chinese platform also the order confirmed, prepared, the rider assigned and the rider's location",
      ),
    state: z.enum(['pending', 'done', 'dead']),
    attempts: z.number().int().describe('Attempts in the current round'),
    lastError: z.string().nullable().describe("What went wrong last: the shop system's answer or why none came"),
    nextAttemptAt: stamp.nullable().describe('Pending: when it is tried next'),
    createdAt: stamp,
    finishedAt: stamp.nullable(),
  })
  .meta({
    example: {
      writebackId: '6f1c1d7e-2b7e-4d8c-9a51-0c3f8f5e2a10',
      orderId: '0b7c4e0e-6a43-4f0a-9a55-6c1c2a9e8d11',
      connectionId: '5d1f3a52-8f0e-4a8e-9d8b-2f4c7b1e6a90',
      platform: 'shopify',
      externalRef: '820982911946154508',
      status: 'delivered',
      state: 'dead',
      attempts: 8,
      lastError: 'POST /admin/api/2026-04/graphql.json: HTTP 503',
      nextAttemptAt: null,
      createdAt: '2026-12-07T10:15:02.000Z',
      finishedAt: '2026-12-07T14:40:11.000Z',
    },
  });

class WritebacksQuery extends createZodDto(
  z.strictObject({
    state: z.enum(['pending', 'dead']).default('dead').describe('dead: failed on their last attempt, waiting for a retry; pending: still being tried'),
    shopId: z.string().min(1).max(64).optional().describe('Operators: one shop (default: every shop). Staff see their own shop only'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
) {}
class WritebackList extends createZodDto(z.object({ writebacks: z.array(WritebackViewSchema).describe('Oldest first') })) {}
class RetriedWriteback extends createZodDto(WritebackViewSchema) {}

const writebackNotFound = () => new DomainError('not_found', 'WRITEBACK_NOT_FOUND', 'no such status write-back');

/** Status written back to the shops' own systems: what waits and what failed, for staff and operators. */
@ApiTags('intake')
@ApiErrors(400, 401, 403, 404)
@Roles('staff', 'operator')
@Controller('intake/writebacks')
export class WritebacksController {
  constructor(private readonly writebacks: IntakeWritebacksStore) {}

  @Get()
  @ApiOperation({
    summary:
      "Status write-backs to the shop's Shopify, WooCommerce, Meituan, Ele.me, Youzan or WeChat Store that failed on their last attempt (dead) or are still being tried (pending)",
  })
  @ZodResponse({ status: 200, type: WritebackList })
  async list(@Query() query: WritebacksQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = principal.role === 'operator' ? query.shopId : principal.shopId;
    if (principal.role !== 'operator' && query.shopId !== undefined && query.shopId !== principal.shopId) throw writebackNotFound();
    return { writebacks: await this.writebacks.list(shopId, query.state, query.limit) };
  }

  @Post(':writebackId/retry')
  @ApiOperation({ summary: 'Try a dead write-back again: a new round of attempts, starting now' })
  @ApiErrors(409)
  @ZodResponse({ status: 202, type: RetriedWriteback })
  async retry(@Param('writebackId', ParseUUIDPipe) writebackId: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    const result = await this.writebacks.retryDead(writebackId, (shopId) => canSeeShop(principal, shopId));
    if (!result) throw writebackNotFound();
    if ('refused' in result) {
      throw new DomainError('conflict', 'WRITEBACK_NOT_DEAD', `the write-back is ${result.refused.state}, not dead`, { state: result.refused });
    }
    return result.retried;
  }
}
