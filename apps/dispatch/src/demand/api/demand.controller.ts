import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { ApiContent, ApiErrors, decodePageCursor, encodePageCursor } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { localDateOf } from '../../shared/domain/shop-clock';
import { forecastFrom, historyFor } from '../domain/demand-forecast';
import { DEFAULT_PAGE_SIZE, DEFAULT_RADIUS_METERS, DemandCounts, DemandForecastView, DemandQuery, ForecastQuery } from './demand.dto';
import { demandCounts, demandCsv, type DemandFilter, historyStartsOn, hourlyCounts } from '../demand.queries';

/**
 * Demand history over HTTP: how many orders wanted delivering when and where, and a forecast of a
 * day's orders and riders. For the shop's dispatchers and staff, and operators.
 */
@ApiTags('demand')
@ApiErrors(400, 401, 403, 404)
@Controller('demand')
export class DemandController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Roles('dispatcher', 'staff', 'operator')
  @ApiOperation({
    summary:
      'Orders by hour of the week × area, counted at the start of their delivery window on the clock of timeZone; filtered by days, weekday, hours and place (format=csv for a spreadsheet)',
  })
  // Not a ZodResponse: the CSV form is text, so the answer is built here and documented here.
  @ApiContent(200, 'The counts, a page at a time; with format=csv, all of them as a spreadsheet', {
    'application/json': DemandCounts,
    'text/csv': { type: 'string' },
  })
  async counts(@Query() query: DemandQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const filter: DemandFilter = {
      shopId: shopInScope(principal, query.shopId),
      timeZone: query.timeZone,
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      ...(query.weekday ? { weekday: query.weekday } : {}),
      fromHour: query.fromHour,
      toHour: query.toHour,
      ...(query.near ? { near: { ...query.near, radiusMeters: query.radiusMeters ?? DEFAULT_RADIUS_METERS } } : {}),
      ...(query.area ? { area: query.area } : {}),
      areaPrecision: query.areaPrecision,
    };
    if (query.format === 'csv') {
      const { items } = await demandCounts(this.dataSource.manager, filter);
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="demand.csv"');
      return demandCsv(items);
    }
    const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor, isCountKey);
    const page = await demandCounts(this.dataSource.manager, filter, { limit: query.limit ?? DEFAULT_PAGE_SIZE, after });
    return { ...filter, totals: page.totals, items: page.items, ...(page.after ? { nextCursor: encodePageCursor(page.after) } : {}) };
  }

  @Get('forecast')
  @Roles('dispatcher', 'staff', 'operator')
  @ApiOperation({
    summary:
      "A day's expected orders and riders needed, hour by hour: the same weekday of earlier weeks, or for a peak day (Valentine's Day, Mother's Day) that day in earlier years; says which days it read",
  })
  @ZodResponse({ status: 200, type: DemandForecastView })
  async forecast(@Query() query: ForecastQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const db = this.dataSource.manager;
    const history = historyFor({
      date: query.date,
      today: localDateOf(Date.now(), query.timeZone),
      historyStartsOn: await historyStartsOn(db, shopId, query.timeZone),
      weeks: query.weeks,
      years: query.years,
    });
    const counts = await hourlyCounts(db, shopId, query.timeZone, history.days);
    return { shopId, timeZone: query.timeZone, ...forecastFrom(history, counts, query.deliveriesPerRiderPerHour) };
  }
}

/** A page's cursor: the (hourOfWeek, area) of its last row. */
function isCountKey(key: unknown[]): key is [number, string] {
  const [hourOfWeek, area] = key;
  return (
    key.length === 2 &&
    Number.isInteger(hourOfWeek) &&
    (hourOfWeek as number) >= 0 &&
    (hourOfWeek as number) < 168 &&
    typeof area === 'string' &&
    area.length <= 16
  );
}
