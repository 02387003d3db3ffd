import { Body, Controller, type DynamicModule, Get, Module, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiErrors, createZodDto, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import type { ProjectionStatus, RebuildProgress } from './projection';
import type { ProjectionHost } from './projection-host';

/**
 * Every projection host of a service (a service may keep several logs, each with its projections):
 * the operators' API lists them together and finds the host a projection belongs to.
 */
export class ServiceProjectionDirectory {
  private readonly hosts = new Set<ProjectionHost>();

  add(host: ProjectionHost): void {
    const taken = new Set(this.statuses().map((status) => status.name));
    // Checkpoints are keyed by name in the service's schema: two projections of one name would share one.
    for (const { name } of host.statuses()) {
      if (taken.has(name)) throw new Error(`two projections of this service are named ${name}`);
    }
    this.hosts.add(host);
  }

  statuses(): ProjectionStatus[] {
    return [...this.hosts].flatMap((host) => host.statuses()).sort((a, b) => a.name.localeCompare(b.name));
  }

  rebuild(name: string): Promise<RebuildProgress> {
    const host = [...this.hosts].find((candidate) => candidate.statuses().some((status) => status.name === name));
    if (!host) throw new DomainError('not_found', 'PROJECTION_NOT_FOUND', `no projection named ${name}`);
    return host.rebuild(name);
  }
}

const LogPositionSchema = z.object({ transactionId: z.string(), globalPosition: z.number().int() });

const RebuildProgressSchema = z.object({
  id: z.string(),
  projection: z.string(),
  state: z.enum(['running', 'swapping', 'done', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  eventsDone: z.number().int().describe('Events the rebuild has applied so far'),
  eventsPerSecond: z.number(),
  head: z.number().int().describe('The highest position allocated in the log: `position.globalPosition` of `head` is how far it has got'),
  position: LogPositionSchema,
  lag: z.number().int().describe('Events in the log after the rebuild’s position: `eventsDone / (eventsDone + lag)` is the share done'),
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

/** Operators watch a service's read models and rebuild one while it keeps serving. */
@ApiTags('admin')
@ApiErrors(400, 401, 403, 404)
@Roles('operator')
@Controller('admin/projections')
export class ProjectionsController {
  constructor(private readonly projections: ServiceProjectionDirectory) {}

  @Get()
  @ApiOperation({ summary: "Each projection's checkpoint, lag, rate and rebuild (its progress while it runs)" })
  @ZodResponse({ status: 200, type: ProjectionList })
  list() {
    return { items: this.projections.statuses() };
  }

  @Post(':name/rebuild')
  @ApiOperation({ summary: 'Rebuild a projection from the start of the log next to the live one, then swap it in (409 while one runs)' })
  @ApiErrors(409)
  @ZodResponse({ status: 202, type: RebuildProgressView })
  rebuild(@Param('name') name: string, @Body() _body: EmptyBody) {
    return this.projections.rebuild(name);
  }
}

/**
 * The operators' projections API of a service: `GET /admin/projections` and
 * `POST /admin/projections/{name}/rebuild` over every projection `logProjections` declares in it.
 */
@Module({})
export class ProjectionsAdminModule {
  static forService(): DynamicModule {
    return {
      module: ProjectionsAdminModule,
      global: true,
      controllers: [ProjectionsController],
      providers: [ServiceProjectionDirectory],
      exports: [ServiceProjectionDirectory],
    };
  }
}
