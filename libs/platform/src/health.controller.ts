import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@petalpost/auth';
import { ProcessorRegistry } from './processors';

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
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Database reachable and every processor (consumers, relays, projections) running' })
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
