import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { actorOf, canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError, exceptionStream } from '@petalpost/contracts';
import { type CommandResult, foldEvents, handleCommand, requestFingerprint } from '@petalpost/event-store';
import { ApiErrorResponses, currentContext, EmptyBody } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { AttachmentsService } from '../../attachments/attachments.service';
import { type ExceptionCommand, exceptionDecider, type ExceptionReport, type ExceptionState } from '../domain/exception.decider';
import { EXCEPTION_STORE, type ExceptionStore } from '../exception-store';
import { analyticsCsv, exceptionAnalytics, listExceptions } from '../projections/exception-reports.queries';
import { AnalyticsQuery, ExceptionAnalytics, ExceptionList, ExceptionView, ListExceptionsQuery, ReportExceptionBody, ResolveExceptionBody } from './exception.dto';
import { assignmentOf } from '../order-assignments.queries';

const idempotencyHeader = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result and changes nothing' });

const notFound = () => new DomainError('not_found', 'EXCEPTION_NOT_FOUND', 'no such exception');
const orderNotFound = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');

/**
 * Exception reports over HTTP: riders report on the orders assigned to them, the shop reports on
 * any of its orders, acknowledges and resolves. Other shops' reports and orders answer 404.
 */
@ApiTags('exceptions')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404, 409)
@Controller()
export class ExceptionsController {
  constructor(
    @Inject(EXCEPTION_STORE) private readonly store: ExceptionStore,
    private readonly dataSource: DataSource,
    private readonly attachments: AttachmentsService,
  ) {}

  @Post('orders/:orderId/exceptions')
  @HttpCode(201)
  @Roles('rider', 'staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: 'Report an exception on an order (riders: only orders assigned to them). Flags the order and alerts the shop' })
  @idempotencyHeader
  @ZodResponse({ status: 201, type: ExceptionView })
  async report(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Body() body: ReportExceptionBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
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
      by: { role: principal.role, subject: principal.sub },
      now: new Date().toISOString(),
    };
    const result = await this.run(principal, exceptionId, command, { idempotencyKey, route: 'report', target: orderId, body, isNew: true });
    return this.respond(result, reply);
  }

  @Post('exceptions/:exceptionId/acknowledge')
  @HttpCode(200)
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: 'Acknowledge a reported exception (records who and when; stops its escalation)' })
  @idempotencyHeader
  @ZodResponse({ status: 200, type: ExceptionView })
  async acknowledge(
    @Param('exceptionId', ParseUUIDPipe) exceptionId: string,
    @Body() _body: EmptyBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: ExceptionCommand = { type: 'AcknowledgeException', by: { role: principal.role, subject: principal.sub }, now: new Date().toISOString() };
    return this.respond(await this.run(principal, exceptionId, command, { idempotencyKey, route: 'acknowledge', target: exceptionId, body: null }), reply);
  }

  @Post('exceptions/:exceptionId/resolve')
  @HttpCode(200)
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: 'Resolve an acknowledged exception with its outcome (clears the flag on the order)' })
  @idempotencyHeader
  @ZodResponse({ status: 200, type: ExceptionView })
  async resolve(
    @Param('exceptionId', ParseUUIDPipe) exceptionId: string,
    @Body() body: ResolveExceptionBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: ExceptionCommand = {
      type: 'ResolveException',
      outcome: body.outcome,
      ...(body.note ? { note: body.note } : {}),
      by: { role: principal.role, subject: principal.sub },
      now: new Date().toISOString(),
    };
    return this.respond(await this.run(principal, exceptionId, command, { idempotencyKey, route: 'resolve', target: exceptionId, body }), reply);
  }

  @Get('exceptions/analytics')
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      'Exceptions by type × area × hour of week × rider, repeated address errors, delays by hour, acknowledgement and resolution times; hours of the week in timeZone (format=csv for a spreadsheet)',
  })
  @ApiProduces('application/json', 'text/csv')
  // Not a ZodResponse: the CSV form is text, so the answer is built here and documented below.
  @ApiOkResponse({ type: ExceptionAnalytics })
  async analytics(@Query() query: AnalyticsQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const shopId = this.shopScope(principal, query.shopId);
    const result = await exceptionAnalytics(this.dataSource.manager, { shopId, from: query.from, to: query.to, timeZone: query.timeZone });
    if (query.format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="exceptions.csv"');
      return analyticsCsv(result);
    }
    return result;
  }

  @Get('exceptions')
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: "The shop's exception reports, newest first (a read model: trails the log by milliseconds)" })
  @ZodResponse({ status: 200, type: ExceptionList })
  async list(@Query() query: ListExceptionsQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = this.shopScope(principal, query.shopId);
    return { items: await listExceptions(this.dataSource.manager, { shopId, status: query.status, type: query.type, limit: query.limit }) };
  }

  @Get('exceptions/:exceptionId')
  @Roles('staff', 'dispatcher', 'operator', 'rider')
  @ApiOperation({ summary: 'One exception report with its life so far (riders: the reports on their own deliveries)' })
  @ZodResponse({ status: 200, type: ExceptionView })
  async get(@Param('exceptionId', ParseUUIDPipe) exceptionId: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const history = await this.store.readStream(exceptionStream(exceptionId));
    const state = foldEvents(exceptionDecider, history);
    assertVisible(principal, state);
    // Riders read their orders only while assigned to them (ARCHITECTURE.md's table).
    if (principal.role === 'rider' && (await assignmentOf(this.dataSource, state.orderId))?.riderId !== principal.sub) throw notFound();
    void reply.header('etag', `"${history.length}"`);
    return viewOf(state as ExceptionReport, history.length);
  }

  /** Operators choose a shop (or all); everyone else is held to their own, and asking for another is refused. */
  private shopScope(principal: Principal, requested: string | undefined): string | undefined {
    if (principal.role === 'operator') return requested;
    if (requested && requested !== principal.shopId) throw new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
    return principal.shopId;
  }

  private run(
    principal: Principal,
    exceptionId: string,
    command: ExceptionCommand,
    request: { idempotencyKey?: string; route: string; target: string; body: unknown; isNew?: boolean },
  ): Promise<CommandResult<ExceptionState>> {
    const context = currentContext();
    return handleCommand(this.store, exceptionDecider, {
      streamId: exceptionStream(exceptionId),
      command,
      metadata: {
        correlationId: context?.correlationId ?? randomUUID(),
        causationId: context?.causationId,
        traceparent: context?.traceparent,
        actor: actorOf(principal),
        occurredAt: command.now,
      },
      // Keys are the caller's own: two clients choosing the same key never collide.
      idempotency: request.idempotencyKey
        ? { key: `exceptions:${principal.role}:${principal.shopId ?? ''}:${principal.sub}:${request.idempotencyKey}`, fingerprint: requestFingerprint(request.route, request.target, request.body) }
        : undefined,
      freshStream: request.isNew,
      authorize: request.isNew ? undefined : (state) => assertVisible(principal, state),
    });
  }

  private respond(result: CommandResult<ExceptionState>, reply: FastifyReply) {
    if (result.state.status === 'none') throw notFound();
    void reply.header('etag', `"${result.version}"`);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return viewOf(result.state, result.version);
  }
}

function assertVisible(principal: Principal, state: ExceptionState): asserts state is ExceptionReport {
  if (state.status === 'none' || !canSeeShop(principal, state.shopId)) throw notFound();
}

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
    ...(report.acknowledgedAt ? { acknowledgedBy: report.acknowledgedBy, acknowledgedAt: report.acknowledgedAt, secondsToAcknowledge: secondsBetween(report.reportedAt, report.acknowledgedAt) } : {}),
    ...(report.resolvedAt
      ? { resolvedBy: report.resolvedBy, resolvedAt: report.resolvedAt, secondsToResolve: secondsBetween(report.reportedAt, report.resolvedAt), outcome: report.outcome }
      : {}),
    ...(report.resolutionNote ? { resolutionNote: report.resolutionNote } : {}),
    ...(report.escalatedAt ? { escalatedAt: report.escalatedAt } : {}),
    version,
  };
}
