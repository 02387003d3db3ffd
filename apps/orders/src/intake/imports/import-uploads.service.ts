import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { SERVICE_CONFIG } from '@petalpost/platform';
import { IntakeOrderSchema, missingForPlacement } from '../domain/intake-order';
import { type CsvRecord, csvRecords } from './csv-records';
import { type CsvMapping, mappingProblems, suggestMapping } from './domain/csv-columns';
import { intakeOrderOf, mapCsvRow } from './domain/csv-row.mapper';
import type { ImportSettings } from './domain/import-settings';
import type { ImportsConfig } from './imports.config';
import { CHUNK_BYTES, type ImportRecord, IntakeImportsStore } from './intake-imports.store';

const PREVIEW_ROWS = 20;

export interface UploadRequest {
  shopId: string;
  createdBy: string;
  source: string;
  timeZone: string;
  /** The Content-Length the client announced, when it did: a file announced too large is refused before a byte is stored. */
  announcedBytes?: number;
}

/**
 * Takes a CSV upload into storage as it streams in (in chunks, never the whole file in memory),
 * counting its records and keeping the first few for the preview on the way, and previews a
 * mapping on the stored file.
 */
@Injectable()
export class ImportUploads {
  constructor(
    private readonly imports: IntakeImportsStore,
    @Inject(SERVICE_CONFIG) private readonly config: ImportsConfig,
  ) {}

  get maxBytes(): number {
    return this.config.ORDERS_INTAKE_IMPORT_MAX_MB * 1024 * 1024;
  }

  async upload(request: UploadRequest, body: Readable): Promise<{ record: ImportRecord; first: CsvRecord[] }> {
    const { maxBytes } = this;
    if (request.announcedBytes !== undefined && request.announcedBytes > maxBytes) {
      body.resume();
      throw tooLarge(maxBytes);
    }
    const importId = randomUUID();
    const expiresAt = new Date(Date.now() + this.config.ORDERS_INTAKE_IMPORT_EXPIRY_HOURS * 3_600_000);
    await this.imports.create({
      importId,
      shopId: request.shopId,
      createdBy: request.createdBy,
      source: request.source,
      timeZone: request.timeZone,
      expiresAt,
    });
    // The bytes go to storage and, beside them, through the CSV reader: the records are counted and
    // the first ones kept for the preview, in the same pass.
    const reading = new PassThrough();
    const counted = (async () => {
      const first: CsvRecord[] = [];
      let records = 0;
      for await (const record of csvRecords(reading)) {
        if (first.length <= PREVIEW_ROWS) first.push(record);
        records++;
      }
      return { first, records };
    })();
    counted.catch(() => undefined);
    try {
      let bytes = 0;
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const store = async () => {
        if (pendingBytes === 0) return;
        await this.imports.appendChunk(importId, seq++, Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      };
      for await (const chunk of body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw tooLarge(maxBytes);
        for (let offset = 0; offset < chunk.length;) {
          const part = chunk.subarray(offset, offset + CHUNK_BYTES - pendingBytes);
          pending.push(part);
          pendingBytes += part.length;
          offset += part.length;
          if (pendingBytes === CHUNK_BYTES) await store();
        }
        if (!reading.write(chunk)) await once(reading, 'drain');
      }
      await store();
      reading.end();
      const { first, records } = await counted;
      const header = first[0];
      if (!header || 'error' in header) throw new DomainError('invalid', 'CSV_NO_HEADER', 'the file has no header row: its first line must name the columns');
      const headers = header.cells.map((h) => h.trim());
      const repeated = headers.find((h, i) => headers.indexOf(h) !== i);
      if (repeated !== undefined) {
        throw new DomainError('invalid', 'CSV_REPEATED_COLUMN', `the header names the column "${repeated}" twice: columns are mapped by their names`, {
          column: repeated,
        });
      }
      if (headers.some((h) => h === '')) throw new DomainError('invalid', 'CSV_UNNAMED_COLUMN', 'every column of the header row needs a name');
      await this.imports.uploaded(importId, headers, records - 1);
      const record = await this.imports.get(importId, request.shopId);
      if (!record) throw new Error(`import ${importId} vanished while it was being uploaded`);
      return { record, first: first.slice(1) };
    } catch (err) {
      reading.destroy();
      body.destroy();
      // Nothing of a refused upload stays behind.
      await this.imports.deleteImport(importId);
      throw err;
    }
  }

  /** The first rows of the stored file, for a preview of another mapping. */
  async firstRows(importId: string): Promise<CsvRecord[]> {
    const file = this.imports.file(importId);
    const rows: CsvRecord[] = [];
    for await (const record of csvRecords(file)) {
      rows.push(record);
      if (rows.length > PREVIEW_ROWS) break;
    }
    file.destroy();
    return rows.slice(1);
  }
}

/** What the import would do with each of these rows under this mapping. */
export function previewOf(
  record: Pick<ImportRecord, 'importId' | 'timeZone' | 'headers' | 'rowsTotal'>,
  rows: CsvRecord[],
  settings: Pick<ImportSettings, 'dateOrder' | 'currency' | 'defaultHours' | 'channel'> & { mapping?: CsvMapping },
) {
  const headers = record.headers ?? [];
  const mapping = settings.mapping ?? suggestMapping(headers);
  const context = {
    headers,
    mapping,
    timeZone: record.timeZone,
    dateOrder: settings.dateOrder,
    currency: settings.currency,
    defaultHours: settings.defaultHours,
  };
  return {
    importId: record.importId,
    timeZone: record.timeZone,
    columns: headers,
    rowsTotal: record.rowsTotal ?? 0,
    suggestedMapping: suggestMapping(headers),
    mappingProblems: mappingProblems(mapping, headers),
    preview: rows.map((row) => {
      if ('error' in row) return { line: row.line, outcome: 'rejected' as const, problems: [{ field: 'row' as const, message: row.error }] };
      const mapped = mapCsvRow(row.cells, context);
      if (!mapped.ok) return { line: row.line, outcome: 'rejected' as const, problems: mapped.problems };
      const { order } = mapped;
      const missing = missingForPlacement(IntakeOrderSchema.parse(intakeOrderOf(order, settings.channel)));
      return {
        line: row.line,
        outcome: missing ? ('needs_attention' as const) : ('ready' as const),
        externalRef: order.externalRef,
        ...(missing ? { reason: missing } : {}),
        problems: [],
        order: { recipientName: order.recipient.name, deliveryDate: order.deliveryDate, deliveryWindow: order.deliveryWindow, items: order.items },
      };
    }),
  };
}

const tooLarge = (maxBytes: number) =>
  new DomainError('too_large', 'IMPORT_TOO_LARGE', `the file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`, { maxBytes });
