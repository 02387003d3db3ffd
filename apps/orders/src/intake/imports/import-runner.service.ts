import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { type Actor, DomainError } from '@petalpost/contracts';
import { LOGGER } from '@petalpost/platform';
import type { Logger } from 'pino';
import { IntakeOrderSchema } from '../domain/intake-order';
import { IntakePlacer, type IntakeResult } from '../placing/intake-placer.service';
import { csvRecords, type CsvRecord } from './csv-records';
import { intakeOrderOf, mapCsvRow, problemsText, type RowContext } from './domain/csv-row.mapper';
import type { ImportSettings } from './domain/import-settings';
import { type ImportRecord, IntakeImportsStore, type ReportRow } from './intake-imports.store';

/** How long a replica may run an import without reporting progress before another takes it over. */
export const IMPORT_LEASE_MS = 60_000;
/** Report rows are written in batches: this many rows, or this often, whichever comes first. */
const BATCH_ROWS = 100;
const BATCH_MS = 500;
/**
 * Rows placed at once: each spends most of its time waiting on PostgreSQL, so a few in flight use
 * the database's parallelism; rows naming the same order still take turns (see turns below).
 */
export const IMPORT_ROWS_IN_FLIGHT = 4;

/** Where a CSV import's rows come from, as IntakePlacer knows its sources: `csv:<the name staff gave>`. */
export const csvSource = (name: string) => `csv:${name}`;

/** The settings an import runs with, and who started it (the actor of every order it places). */
export type RunSettings = ImportSettings & { startedBy: Actor };

/**
 * Runs CSV imports in the background of this replica: the stored file read one record at a time,
 * each row mapped and handed to IntakePlacer (the one path every channel places by), so each row is
 * all-or-nothing — its order is placed, held or refused on its own — and memory holds one row and
 * one batch of the report, however large the file. Progress is the report's counters.
 */
@Injectable()
export class ImportRunner implements BeforeApplicationShutdown {
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;
  private readonly log: Logger;

  constructor(
    private readonly imports: IntakeImportsStore,
    private readonly placer: IntakePlacer,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'intake-imports' });
  }

  /** Starts (or resumes) an import in the background; its outcome is in its status. */
  launch(record: ImportRecord): void {
    if (this.stopping || this.running.has(record.importId)) return;
    const run = this.run(record)
      .catch((err: unknown) => this.log.error({ err, importId: record.importId }, 'CSV import failed'))
      .finally(() => this.running.delete(record.importId));
    this.running.set(record.importId, run);
  }

  /** A stopping replica stops between rows; its lease runs out and another replica resumes after the last row reported. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.values());
  }

  private async run(record: ImportRecord): Promise<void> {
    const { importId, headers } = record;
    const settings = record.settings as RunSettings | undefined;
    if (!headers || !settings) throw new Error(`import ${importId} has no header or settings`);
    const context: RowContext = {
      headers,
      mapping: settings.mapping,
      timeZone: record.timeZone,
      dateOrder: settings.dateOrder,
      currency: settings.currency,
      defaultHours: settings.defaultHours,
    };
    // Every row of one import is one snapshot: a row repeated in the file is a duplicate, while a
    // later import of a corrected file is newer and completes what an earlier one left held.
    const snapshotAt = record.startedAt ?? record.createdAt;
    const batch: ReportRow[] = [];
    let flushedAt = Date.now();
    const flush = async () => {
      await this.imports.report(importId, batch.splice(0), IMPORT_LEASE_MS);
      flushedAt = Date.now();
    };
    this.log.info({ importId, resumeAfterLine: record.lastLine, rowsTotal: record.rowsTotal }, 'CSV import running');
    // Rows in flight, oldest first: the report takes them in the file's order, so the last line
    // reported always has every line before it reported too (where a resumed run starts).
    const inFlight: Array<Promise<ReportRow>> = [];
    const turns = new Map<string, Promise<unknown>>();
    const settleOldest = async () => {
      const oldest = inFlight.shift();
      if (oldest) batch.push(await oldest);
      if (batch.length >= BATCH_ROWS || Date.now() - flushedAt >= BATCH_MS) await flush();
    };
    try {
      let header = true;
      for await (const csvRecord of csvRecords(this.imports.file(importId))) {
        if (header) {
          header = false;
          continue;
        }
        if (csvRecord.line <= record.lastLine) continue;
        const row = this.row(csvRecord, context, record, settings, snapshotAt, turns);
        // Awaited in turn below; until then a failure must not count as unhandled.
        row.catch(() => undefined);
        inFlight.push(row);
        if (inFlight.length >= IMPORT_ROWS_IN_FLIGHT) await settleOldest();
        if (this.stopping) {
          while (inFlight.length) await settleOldest();
          await flush();
          this.log.info({ importId }, 'CSV import paused by shutdown; another replica resumes it');
          return;
        }
      }
      while (inFlight.length) await settleOldest();
      await flush();
      await this.imports.finish(importId, { status: 'finished' });
      this.log.info({ importId }, 'CSV import finished');
    } catch (err) {
      // What is still in flight finishes (or fails) before the import is marked failed.
      await Promise.allSettled(inFlight);
      await flush().catch(() => undefined);
      await this.imports.finish(importId, { status: 'failed', error: (err as Error).message });
      throw err;
    }
  }

  private async row(
    csvRecord: CsvRecord,
    context: RowContext,
    record: ImportRecord,
    settings: RunSettings,
    snapshotAt: string,
    turns: Map<string, Promise<unknown>>,
  ): Promise<ReportRow> {
    const { line } = csvRecord;
    if ('error' in csvRecord) return { line, outcome: 'rejected', reason: `unreadable CSV: ${csvRecord.error}` };
    const mapped = mapCsvRow(csvRecord.cells, context);
    if (!mapped.ok) {
      const refColumn = context.mapping.externalRef;
      const ref = refColumn === undefined ? undefined : csvRecord.cells[context.headers.indexOf(refColumn)]?.trim();
      return { line, outcome: 'rejected', reason: problemsText(mapped.problems), ...(ref ? { externalRef: ref.slice(0, 200) } : {}) };
    }
    const { externalRef } = mapped.order;
    const order = IntakeOrderSchema.safeParse(intakeOrderOf(mapped.order, settings.channel));
    if (!order.success) {
      return { line, externalRef, outcome: 'rejected', reason: order.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    }
    // A row repeating an order waits for the earlier one: the first in the file is the one imported.
    const earlier = turns.get(externalRef);
    const mine = (async () => {
      await earlier?.catch(() => undefined);
      return this.placer.receive(record.shopId, csvSource(record.source), externalRef, snapshotAt, order.data, {
        actor: settings.startedBy,
        imported: settings.past,
      });
    })();
    turns.set(externalRef, mine);
    try {
      const result = await mine;
      return { line, externalRef, ...reportOf(result) };
    } catch (err) {
      // The order's own rules refused it (a window already over, say): this row only.
      if (err instanceof DomainError && err.kind !== 'not_found') return { line, externalRef, outcome: 'rejected', reason: `${err.code}: ${err.message}` };
      throw err;
    } finally {
      if (turns.get(externalRef) === mine) turns.delete(externalRef);
    }
  }
}

function reportOf(result: IntakeResult): Omit<ReportRow, 'line' | 'externalRef'> {
  const ids = { ...(result.orderId ? { orderId: result.orderId } : {}), ...(result.intakeId ? { intakeId: result.intakeId } : {}) };
  switch (result.outcome) {
    case 'placed':
      return { outcome: 'imported', ...ids };
    case 'needs_attention':
      return { outcome: 'needs_attention', reason: result.reason, ...ids };
    case 'updated':
      return { outcome: 'duplicate', reason: `already taken; this newer row updated it${result.reason ? ` (${result.reason})` : ''}`, ...ids };
    case 'cancelled':
      return { outcome: 'duplicate', reason: result.reason ?? 'already taken and cancelled', ...ids };
    case 'duplicate':
    case 'stale':
      return { outcome: 'duplicate', reason: result.reason ?? 'already taken', ...ids };
  }
}
