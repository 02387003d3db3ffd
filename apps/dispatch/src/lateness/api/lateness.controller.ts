import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { ApiErrors, SERVICE_CONFIG } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { WEEKDAYS } from '../../demand/domain/demand-calendar';
import { latenessByHourOfWeek } from '../../deliveries/deliveries.queries';
import type { DispatchConfig } from '../../dispatch.config';
import { shopSettingsFromPlanning } from '../../planning/planning.providers';
import { LatenessQuery, LatenessView } from './lateness.dto';

/** Which time slots run late, for the shop's owner and desks: delivered orders by hour of the week, and how many late. */
@ApiTags('analytics')
@ApiErrors(400, 401, 403, 404)
@Controller('analytics/lateness')
export class LatenessController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchConfig,
  ) {}

  @Get()
  @Roles('dispatcher', 'staff', 'operator')
  @ApiOperation({
    summary:
      'Delivered orders by hour of the week (the hour their window started, on the shop’s clock), and how many of them were late: delivered after the window’s end',
  })
  @ZodResponse({ status: 200, type: LatenessView })
  async lateness(@Query() query: LatenessQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const db = this.dataSource.manager;
    const timeZone = query.timeZone ?? (await shopSettingsFromPlanning(shopId, db)).timeZone ?? this.config.DISPATCH_TIME_ZONE;
    const filter = { shopId, timeZone, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
    const hours = (await latenessByHourOfWeek(db, filter)).map((h) => ({
      weekday: WEEKDAYS[Math.floor(h.hourOfWeek / 24)],
      hour: h.hourOfWeek % 24,
      ...h,
    }));
    const totals = hours.reduce((sum, h) => ({ delivered: sum.delivered + h.delivered, late: sum.late + h.late }), { delivered: 0, late: 0 });
    return { ...filter, totals, hours };
  }
}
