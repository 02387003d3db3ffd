import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopFilter } from '@petalpost/auth';
import { ApiErrors, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Acks } from '../acks/acks.service';
import { type EscalationRow, toEscalation } from '../acks/escalation-sweep';

const AckSchema = z
  .strictObject({
    audience: z.string().min(1).max(300).describe('The `audience` of the notification'),
    seq: z.number().int().positive().describe('Its `seq`: this and everything before it in that audience is acknowledged'),
  })
  .meta({ example: { audience: 'shop:s1', seq: 42 } });

class AckBody extends createZodDto(AckSchema) {}
class AckView extends createZodDto(AckSchema.safeExtend({ acknowledged: z.literal(true) })) {}

const EscalationSchema = z.object({
  audience: z.string(),
  seq: z.number().int(),
  eventId: z.string(),
  eventType: z.string(),
  shopId: z.string(),
  orderId: z.string().nullable(),
  channel: z.string(),
  notifiedAt: z.string(),
  escalatedAt: z.string(),
});
class EscalationsQuery extends createZodDto(
  z.strictObject({
    shopId: z.string().min(1).max(100).optional().describe('Operators: one shop; staff always see their own'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}
class EscalationsView extends createZodDto(z.object({ items: z.array(EscalationSchema) })) {}

/** Acknowledging notifications, and what was escalated because nobody did. */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly acks: Acks,
    private readonly dataSource: DataSource,
  ) {}

  @Post('ack')
  @ApiOperation({ summary: 'Acknowledge a notification and everything before it in its audience (for SSE clients; WebSocket clients send {type:"ack"})' })
  @ApiErrors(400, 401, 404)
  @ZodResponse({ status: 200, type: AckView })
  async ack(@Body() body: AckBody, @CurrentPrincipal() principal: Principal) {
    await this.acks.acknowledge(principal, body.audience, body.seq);
    return { ...body, acknowledged: true as const };
  }

  @Get('escalations')
  @Roles('operator', 'staff')
  @ApiOperation({ summary: 'Critical notifications nobody acknowledged in time, newest first' })
  @ApiErrors(400, 401, 403, 404)
  @ZodResponse({ status: 200, type: EscalationsView })
  async escalations(@Query() query: EscalationsQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopFilter(principal, query.shopId);
    const rows = await this.dataSource.query<EscalationRow[]>(
      `SELECT audience, seq, event_id, event_type, shop_id, order_id, channel, notified_at, escalated_at FROM escalations
        WHERE $1::text IS NULL OR shop_id = $1 ORDER BY escalated_at DESC, audience, seq LIMIT $2`,
      [shopId ?? null, query.limit],
    );
    return { items: rows.map(toEscalation) };
  }
}
