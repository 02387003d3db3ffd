import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, Roles, Scopes, shopInScope } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiCommand, ApiContent, ApiErrors, CommandRequest, toCsv } from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DeliverySlots } from '../../../delivery-slots/delivery-slots.service';
import { mappingProblems } from '../domain/csv-columns';
import { IMPORT_LEASE_MS, ImportRunner, type RunSettings } from '../import-runner.service';
import { ImportUploads, previewOf } from '../import-uploads.service';
import { type ImportRecord, IntakeImportsStore } from '../intake-imports.store';
import {
  ImportPreview,
  ImportReport,
  ImportReportQuery,
  ImportUploaded,
  ImportView,
  PreviewImportBody,
  StartImportBody,
  UploadImportQuery,
} from './imports.dto';

const viewOf = ({ headers, settings: _settings, lastLine: _lastLine, createdBy: _createdBy, ...record }: ImportRecord) => ({
  ...record,
  ...(headers ? { columns: headers } : {}),
});

const importNotFound = () => new DomainError('not_found', 'IMPORT_NOT_FOUND', 'no such import');

/**
 * CSV imports for a day's phone orders or a migration: upload the file (streamed to storage), see
 * the suggested mapping and the first rows mapped, start it, follow its progress, read its per-row report.
 * Every row is placed through the intake like any other channel's order.
 */
@ApiTags('intake')
@ApiErrors(400, 401, 403, 404)
@Controller('intake/imports')
export class ImportsController {
  constructor(
    private readonly imports: IntakeImportsStore,
    private readonly uploads: ImportUploads,
    private readonly runner: ImportRunner,
    private readonly slots: DeliverySlots,
  ) {}

  @Post()
  @Roles('staff', 'operator')
  @Scopes('orders:write')
  @ApiCommand('Upload a CSV file (text/csv, streamed to storage): its columns, a suggested mapping and the first 20 rows mapped with their problems')
  @ApiErrors(413, 415)
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary', description: 'The CSV file: a header row naming the columns, then one order per row' } })
  @ZodResponse({ status: 201, type: ImportUploaded })
  async upload(@Query() query: UploadImportQuery, @CommandRequest() request: CommandRequest, @Req() http: FastifyRequest) {
    const { principal } = request;
    const shopId = shopInScope(principal, query.shopId);
    // An empty body is not parsed at all: there is no stream then, and no file.
    const body = http.body instanceof Readable ? http.body : undefined;
    if (!body) throw new DomainError('invalid', 'CSV_NO_HEADER', 'the file is empty: its first line must name the columns');
    const timeZone = query.timeZone ?? (await this.slots.plan(shopId))?.timeZone;
    if (!timeZone) {
      body.resume();
      throw new DomainError('invalid', 'TIME_ZONE_REQUIRED', 'say which time zone the file’s dates are in (timeZone), or plan the shop’s delivery slots first');
    }
    const length = Number(http.headers['content-length']);
    const { record, first } = await this.uploads.upload(
      { shopId, createdBy: principal.sub, source: query.source, timeZone, announcedBytes: Number.isFinite(length) ? length : undefined },
      body,
    );
    return { ...previewOf(record, first, { ...query, channel: 'phone' }), status: record.status, bytes: record.bytes, expiresAt: record.expiresAt };
  }

  @Post(':importId/preview')
  @HttpCode(200)
  @Roles('staff', 'operator')
  @Scopes('orders:write')
  @ApiOperation({ summary: 'The first 20 rows of an uploaded file as this mapping reads them (changes nothing)' })
  @ApiErrors(409)
  @ZodResponse({ status: 200, type: ImportPreview })
  async preview(@Param('importId', ParseUUIDPipe) importId: string, @Body() body: PreviewImportBody, @CurrentPrincipal() principal: Principal) {
    const record = await this.visible(importId, principal);
    if (record.status !== 'uploaded') throw notUploaded(record);
    return previewOf(record, await this.uploads.firstRows(importId), body);
  }

  @Post(':importId/start')
  @HttpCode(202)
  @Roles('staff', 'operator')
  @Scopes('orders:write')
  @ApiCommand('Start the import with this mapping: it runs in the background (follow it with GET); each row is placed, held for staff or refused on its own')
  @ApiErrors(409)
  @ZodResponse({ status: 202, type: ImportView })
  async start(@Param('importId', ParseUUIDPipe) importId: string, @Body() body: StartImportBody, @CommandRequest() request: CommandRequest) {
    const { principal } = request;
    if (body.past && principal.role !== 'operator')
      throw new DomainError('forbidden', 'IMPORT_OPERATORS_ONLY', 'only operators import orders from before (past: true)');
    const record = await this.visible(importId, principal);
    const problems = mappingProblems(body.mapping, record.headers ?? []);
    if (problems.length) throw new DomainError('invalid', 'MAPPING_INVALID', problems.join('; '), { problems });
    const settings: RunSettings = { ...body, startedBy: actorOf(principal) };
    if (!(await this.imports.start(importId, settings, IMPORT_LEASE_MS))) throw notUploaded(record);
    const started = await this.imports.get(importId, record.shopId);
    if (!started) throw importNotFound();
    this.runner.launch(started);
    return viewOf(started);
  }

  @Get(':importId')
  @Roles('staff', 'operator')
  @Scopes('orders:write')
  @ApiOperation({ summary: 'An import and its progress: rows done of the total, and how many were imported, duplicates, rejected or held for staff' })
  @ZodResponse({ status: 200, type: ImportView })
  async get(@Param('importId', ParseUUIDPipe) importId: string, @CurrentPrincipal() principal: Principal) {
    return viewOf(await this.visible(importId, principal));
  }

  @Get(':importId/report')
  @Roles('staff', 'operator')
  @Scopes('orders:write')
  @ApiOperation({
    summary:
      'The per-row report, by line of the file: imported, duplicate, rejected (with the reason) or needs attention (format=csv: all of it as a spreadsheet)',
  })
  // Not a ZodResponse: the CSV form is text, so the answer is built here and documented here.
  @ApiContent(200, 'The report; with format=csv, as a spreadsheet', { 'application/json': ImportReport, 'text/csv': { type: 'string' } })
  async report(
    @Param('importId', ParseUUIDPipe) importId: string,
    @Query() query: ImportReportQuery,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.visible(importId, principal);
    if (query.format === 'csv') {
      void reply.header('content-disposition', `attachment; filename="import-${importId}.csv"`);
      return new StreamableFile(Readable.from(this.reportCsv(importId)), { type: 'text/csv; charset=utf-8' });
    }
    const rows = await this.imports.reportRows(importId, query.afterLine, query.limit);
    return { rows, ...(rows.length === query.limit ? { nextAfterLine: rows[rows.length - 1].line } : {}) };
  }

  /** The whole report, a page at a time (a large import's report never sits in memory at once). */
  private async *reportCsv(importId: string): AsyncGenerator<string> {
    const header = ['line', 'outcome', 'externalRef', 'reason', 'orderId', 'intakeId'];
    yield toCsv(header, []);
    for (let after = 0; ;) {
      const rows = await this.imports.reportRows(importId, after, 1000);
      if (rows.length === 0) return;
      // toCsv writes the header first: each page without it.
      const page = toCsv(
        header,
        rows.map((r) => [r.line, r.outcome, r.externalRef, r.reason, r.orderId, r.intakeId]),
      );
      yield page.slice(page.indexOf('\r\n') + 2);
      after = rows[rows.length - 1].line;
    }
  }

  /** The import, if the caller may see it: another shop's is not there for them. */
  private async visible(importId: string, principal: Principal): Promise<ImportRecord> {
    const record = await this.imports.get(importId, principal.role === 'operator' ? undefined : principal.shopId);
    if (!record) throw importNotFound();
    return record;
  }
}

const notUploaded = (record: ImportRecord) =>
  new DomainError('conflict', 'IMPORT_NOT_WAITING', `the import is ${record.status}: only an uploaded file can be previewed or started`, {
    status: record.status,
  });
