import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@petalpost/auth';
import { z } from 'zod';
import { ApiErrors } from './error-body';
import { ProcessorRegistry } from './processors';
import { createZodDto } from './zod-dto';

class Liveness extends createZodDto(z.object({ status: z.literal('ok') })) {}

const indicators = z
  .record(z.string(), z.looseObject({ status: z.string() }))
  .describe('By indicator (database, processors): `up` or `down`, with what it knows');

/** Terminus's report; a failing check is answered 503 in the one error body. */
class Readiness extends createZodDto(z.object({ status: z.literal('ok'), info: indicators.optional(), error: indicators.optional(), details: indicators })) {}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(ProcessorRegistry) private readonly processors: ProcessorRegistry,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (restart it when this fails)' })
  @ApiResponse({ status: 200, type: Liveness.Output })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Database reachable and every processor (consumers, relays, projections) running' })
  @ApiResponse({ status: 200, type: Readiness.Output })
  @ApiErrors(503)
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      () => {
        const statuses = this.processors.statuses();
        const session = this.indicators.check('processors');
        const byName = Object.fromEntries(statuses.map((s) => [s.name, s]));
        return statuses.every((s) => s.ready) ? session.up(byName) : session.down(byName);
      },
    ]);
  }
}
