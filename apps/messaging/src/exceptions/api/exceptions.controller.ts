import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { canSeeShop, CurrentPrincipal, type Principal, Roles, shopFilter } from '@petalpost/auth';
import { DomainError, exceptionStream } from '@petalpost/contracts';
import { foldEvents, fromRequest, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiContent, ApiErrors, CommandRequest, EmptyBody } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { AttachmentsService } from '../../attachments';
import { riderSeesReport } from '../domain/exception-access';
import { type ExceptionCommand, exceptionDecider, type ExceptionReport, type ExceptionState } from '../domain/exception.decider';
import { EXCEPTION_STORE, type ExceptionStore } from '../exception-store';
import { analyticsCsv, exceptionAnalytics, listExceptions } from '../projections/exception-reports.queries';
import {
  AnalyticsQuery,
  ExceptionAnalytics,
  ExceptionList,
  ExceptionView,
  ListExceptionsQuery,
  ReportExceptionBody,
  ResolveExceptionBody,
} from './exception.dto';
import { assignmentOf } from '../../order-assignments';

const notFound = () => new DomainError('not_found', 'EXCEPTION_NOT_FOUND', 'no such exception');
const orderNotFound = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');

/**
 * Exception reports over HTTP: riders report on the orders assigned to them, the shop reports on
 * any of its orders, acknowledges and resolves. Other shops' reports and orders answer 404.
 */
@ApiTags('exceptions')
@ApiErrors(400, 401, 403, 404, 409)
@Controller()
export class ExceptionsController {
  constructor(
    @Inject(EXCEPTION_STORE) private readonly store: ExceptionStore,
    private readonly dataSource: DataSource,
    private readonly attachments: AttachmentsService,
  ) {}

  @Post('orders/:orderId/exceptions')
  @Roles('rider', 'staff', 'dispatcher', 'operator')
  @ApiCommand('Report an exception on an order (riders: only orders assigned to them). Flags the order and alerts the shop')
  @ZodResponse({ status: 201, type: ExceptionView })
  async report(@Param('orderId', ParseUUIDPipe) orderId: string, @Body() body: ReportExceptionBody, @CommandRequest() request: CommandRequest) {
    const { principal } = request;
    const order = await assignmentOf(this.dataSource, orderId);
    if (!order || !canSeeShop(principal, order.shopId)) throw orderNotFound();
    // A rider sees only the orders assigned to them: any other is as if it did not exist.
    if (principal.role === 'rider' && order.riderId !== principal.sub) throw orderNotFound();
    // The photo of the damage is one the reporter uploaded to this order, not a free string.
    if (body.details.type === 'bouquet_damaged') await this.attachments.damagePhotoOf(principal, orderId, body.details.photoRef);
    const exceptionId = randomUUID();
    const command: ExceptionCommand = {
      type: 'ReportException',
      exceptionId,
      orderId,
      shopId: order.shopId,
      ...(order.riderId ? { riderId: order.riderId } : {}),
      details: body.details,
      position: body.position,
      by: byOf(principal),
      now: now(),
    };
    // The report's id was made up for this request: no stream to read yet.
    return this.run(request, exceptionId, command, ['report', orderId, body], { freshStream: true });
  }

  @Post('exceptions/:exceptionId/acknowledge')
  @Roles('staff', 'dispatcher', 'operator')
  @ApiCommand('Acknowledge a reported exception (records who and when; stops its escalation)')
  @ZodResponse({ status: 200, type: ExceptionView })
  acknowledge(@Param('exceptionId', ParseUUIDPipe) exceptionId: string, @Body() _body: EmptyBody, @CommandRequest() request: CommandRequest) {
    const command: ExceptionCommand = { type: 'AcknowledgeException', by: byOf(request.principal), now: now() };
    return this.run(request, exceptionId, command, ['acknowledge', exceptionId, null]);
  }

  @Post('exceptions/:exceptionId/resolve')
  @Roles('staff', 'dispatcher', 'operator')
  @ApiCommand('Resolve an acknowledged exception with its outcome (clears the flag on the order)')
  @ZodResponse({ status: 200, type: ExceptionView })
  resolve(@Param('exceptionId', ParseUUIDPipe) exceptionId: string, @Body() body: ResolveExceptionBody, @CommandRequest() request: CommandRequest) {
    const command: ExceptionCommand = {
      type: 'ResolveException',
      outcome: body.outcome,
      ...(body.note ? { note: body.note } : {}),
      by: byOf(request.principal),
      now: now(),
    };
    return this.run(request, exceptionId, command, ['resolve', exceptionId, body]);
  }

  @Get('exceptions/analytics')
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      'Exceptions by type × area × hour of week × rider, repeated address errors, delays by hour, acknowledgement and resolution times; hours of the week in timeZone (format=csv for a spreadsheet)',
  })
  // Not a ZodResponse: the CSV form is text, so the answer is built here and documented here.
  @ApiContent(200, 'The analytics; with format=csv, as a spreadsheet', { 'application/json': ExceptionAnalytics, 'text/csv': { type: 'string' } })
  async analytics(@Query() query: AnalyticsQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const shopId = shopFilter(principal, query.shopId);
    const result = await exceptionAnalytics(this.dataSource.manager, { shopId, from: query.from, to: query.to, timeZone: query.timeZone });
    if (query.format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="exceptions.csv"');
      return analyticsCsv(result);
    }
    return result;
  }

  @Get('exceptions')
  @Roles('staff', 'dispatcher', 'operator', 'rider')
  @ApiOperation({
    summary: "The shop's exception reports, newest first (riders: the reports they made or that name them; a read model: trails the log by milliseconds)",
  })
  @ZodResponse({ status: 200, type: ExceptionList })
  async list(@Query() query: ListExceptionsQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopFilter(principal, query.shopId);
    const { status, type, from, limit } = query;
    const riderId = principal.role === 'rider' ? principal.sub : undefined;
    return { items: await listExceptions(this.dataSource.manager, { shopId, status, type, from, riderId, limit }) };
  }

  @Get('exceptions/:exceptionId')
  @Roles('staff', 'dispatcher', 'operator', 'rider')
  @ApiOperation({
    summary:
      'One exception report with its life so far: acknowledged by whom and when, resolved how (riders: the reports they made or that name them, and those on the order they ride)',
  })
  @ZodResponse({ status: 200, type: ExceptionView })
  async get(
    @Param('exceptionId', ParseUUIDPipe) exceptionId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const history = await this.store.readStream(exceptionStream(exceptionId));
    const state = foldEvents(exceptionDecider, history);
    assertVisible(principal, state);
    // A rider reads the reports they made or that name them, and those of the order they ride now (exception-access.ts).
    if (principal.role === 'rider' && !riderSeesReport(principal.sub, state, (await assignmentOf(this.dataSource, state.orderId))?.riderId ?? undefined))
      throw notFound();
    void reply.header('etag', `"${history.length}"`);
    return viewOf(state as ExceptionReport, history.length);
  }

  /** An exception command from a request, answered with the report as it is now. */
  private async run(request: CommandRequest, exceptionId: string, command: ExceptionCommand, fingerprint: unknown[], { freshStream = false } = {}) {
    const result = await runCommand(this.store, exceptionDecider, exceptionStream(exceptionId), command, {
      ...fromRequest(request, fingerprint),
      freshStream,
      authorize: freshStream ? undefined : (state) => assertVisible(request.principal, state),
    });
    if (result.state.status === 'none') throw notFound();
    return answer(request, result, viewOf(result.state, result.version));
  }
}

function assertVisible(principal: Principal, state: ExceptionState): asserts state is ExceptionReport {
  if (state.status === 'none' || !canSeeShop(principal, state.shopId)) throw notFound();
}

const now = () => new Date().toISOString();
const byOf = (principal: Principal) => ({ role: principal.role, subject: principal.sub });

const secondsBetween = (from: string, to: string | undefined) => (to === undefined ? undefined : (Date.parse(to) - Date.parse(from)) / 1000);

function viewOf(report: ExceptionReport, version: number) {
  return {
    exceptionId: report.exceptionId,
    orderId: report.orderId,
    shopId: report.shopId,
    status: report.status,
    type: report.exceptionType,
    details: report.details,
    position: report.position,
    ...(report.riderId ? { riderId: report.riderId } : {}),
    reportedBy: report.reportedBy,
    reportedAt: report.reportedAt,
    ...(report.acknowledgedAt
      ? {
          acknowledgedBy: report.acknowledgedBy,
          acknowledgedAt: report.acknowledgedAt,
          secondsToAcknowledge: secondsBetween(report.reportedAt, report.acknowledgedAt),
        }
      : {}),
    ...(report.resolvedAt
      ? {
          resolvedBy: report.resolvedBy,
          resolvedAt: report.resolvedAt,
          secondsToResolve: secondsBetween(report.reportedAt, report.resolvedAt),
          outcome: report.outcome,
        }
      : {}),
    ...(report.resolutionNote ? { resolutionNote: report.resolutionNote } : {}),
    ...(report.escalatedAt ? { escalatedAt: report.escalatedAt } : {}),
    version,
  };
}
