import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@petalpost/auth';
import type { ServiceProjections } from '@petalpost/event-store';
import { ApiErrors, createZodDto, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { ORDER_PROJECTIONS } from '../projections/orders-projections';

const LogPositionSchema = z.object({ transactionId: z.string(), globalPosition: z.number().int() });

const RebuildProgressSchema = z.object({
  id: z.string(),
  projection: z.string(),
  state: z.enum(['running', 'swapping', 'done', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  eventsDone: z.number().int(),
  eventsPerSecond: z.number(),
  head: z.number().int(),
  position: LogPositionSchema,
  lag: z.number().int(),
  etaSeconds: z.number().optional(),
  error: z.string().optional(),
});

class RebuildProgressView extends createZodDto(RebuildProgressSchema) {}

class ProjectionList extends createZodDto(
  z.object({
    items: z.array(
      z.object({
        name: z.string(),
        version: z.number().int(),
        ready: z.boolean(),
        checkpoint: LogPositionSchema.optional(),
        lag: z.number().int().optional().describe('Events in the log after the checkpoint'),
        eventsPerSecond: z.number(),
        eventsApplied: z.number().int().describe('Since this instance started'),
        lastProgressAt: z.string().optional(),
        lastError: z.string().optional(),
        rebuild: RebuildProgressSchema.optional().describe('The rebuild in progress, or the last one this instance ran'),
      }),
    ),
  }),
) {}

/** Operators watch the read models and rebuild one while it keeps serving. */
@ApiTags('admin')
@ApiErrors(400, 401, 403, 404)
@Roles('operator')
@Controller('admin/projections')
export class ProjectionsController {
  constructor(@Inject(ORDER_PROJECTIONS) private readonly projections: ServiceProjections) {}

  @Get()
  @ApiOperation({ summary: "Each projection's checkpoint, lag, rate and rebuild" })
  @ZodResponse({ status: 200, type: ProjectionList })
  list() {
    return { items: this.projections.host.statuses() };
  }

  @Post(':name/rebuild')
  @ApiOperation({ summary: 'Rebuild a projection from the start of the log next to the live one, then swap it in (409 while one runs)' })
  @ZodResponse({ status: 202, type: RebuildProgressView })
  rebuild(@Param('name') name: string, @Body() _body: EmptyBody) {
    return this.projections.host.rebuild(name);
  }
}
