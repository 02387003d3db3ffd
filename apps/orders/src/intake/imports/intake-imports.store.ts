import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '../secret-box';
import type { ImportSettings } from './domain/import-settings';

export type ImportStatus = 'uploading' | 'uploaded' | 'running' | 'finished' | 'failed' | 'expired';
export type RowOutcome = 'imported' | 'duplicate' | 'rejected' | 'needs_attention';

export interface ImportRecord {
  importId: string;
  shopId: string;
  createdBy: string;
  status: ImportStatus;
  source: string;
  timeZone: string;
  bytes: number;
  headers?: string[];
  settings?: ImportSettings;
  rowsTotal?: number;
  rowsDone: number;
  imported: number;
  duplicates: number;
  rejected: number;
  needsAttention: number;
  /** The last line of the file whose row is in the report: a resumed run starts after it. */
  lastLine: number;
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  expiresAt: string;
}

export interface ReportRow {
  line: number;
  outcome: RowOutcome;
  externalRef?: string;
  reason?: string;
  orderId?: string;
  intakeId?: string;
}

/** The upload is kept in chunks of this size: what one INSERT and one read hold in memory. */
export const CHUNK_BYTES = 1024 * 1024;

const COLUMNS = `import_id, shop_id, created_by, status, source, time_zone, bytes, headers, settings, rows_total, rows_done, imported, duplicates,
  rejected, needs_attention, last_line, error, created_at, started_at, finished_at, expires_at`;

interface Row {
  import_id: string;
  shop_id: string;
  created_by: string;
  status: ImportStatus;
  source: string;
  time_zone: string;
  bytes: string;
  headers: string[] | null;
  settings: ImportSettings | null;
  rows_total: number | null;
  rows_done: number;
  imported: number;
  duplicates: number;
  rejected: number;
  needs_attention: number;
  last_line: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date;
}

const recordOf = (r: Row): ImportRecord => ({
  importId: r.import_id,
  shopId: r.shop_id,
  createdBy: r.created_by,
  status: r.status,
  source: r.source,
  timeZone: r.time_zone,
  bytes: Number(r.bytes),
  ...(r.headers ? { headers: r.headers } : {}),
  ...(r.settings ? { settings: r.settings } : {}),
  ...(r.rows_total !== null ? { rowsTotal: r.rows_total } : {}),
  rowsDone: r.rows_done,
  imported: r.imported,
  duplicates: r.duplicates,
  rejected: r.rejected,
  needsAttention: r.needs_attention,
  lastLine: r.last_line,
  ...(r.error ? { error: r.error } : {}),
  createdAt: r.created_at.toISOString(),
  ...(r.started_at ? { startedAt: r.started_at.toISOString() } : {}),
  ...(r.finished_at ? { finishedAt: r.finished_at.toISOString() } : {}),
  expiresAt: r.expires_at.toISOString(),
});

/** TypeORM answers an UPDATE or DELETE … RETURNING as [rows, count]. */
const returned = <T>(result: unknown): T[] => (result as [T[], number])[0];

/** A chunk's box is bound to its place in its file: one copied elsewhere does not open. */
const chunkAad = (importId: string, seq: number) => `intake-import:${importId}:${seq}`;

/**
 * The only code that reads or writes the CSV import tables. The file's chunks are sealed
 * (SecretBox): a sheet of orders is buyers' and recipients' names, phones and addresses.
 */
@Injectable()
export class IntakeImportsStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async create(row: { importId: string; shopId: string; createdBy: string; source: string; timeZone: string; expiresAt: Date }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO intake_imports (import_id, shop_id, created_by, status, source, time_zone, expires_at) VALUES ($1, $2, $3, 'uploading', $4, $5, $6)`,
      [row.importId, row.shopId, row.createdBy, row.source, row.timeZone, row.expiresAt],
    );
  }

  async appendChunk(importId: string, seq: number, bytes: Buffer): Promise<void> {
    await this.dataSource.query(`INSERT INTO intake_import_chunks (import_id, seq, bytes) VALUES ($1, $2, $3)`, [
      importId,
      seq,
      this.box.seal(bytes, chunkAad(importId, seq)),
    ]);
    await this.dataSource.query(`UPDATE intake_imports SET bytes = bytes + $2 WHERE import_id = $1`, [importId, bytes.length]);
  }

  async uploaded(importId: string, headers: string[], rowsTotal: number): Promise<void> {
    await this.dataSource.query(`UPDATE intake_imports SET status = 'uploaded', headers = $2, rows_total = $3 WHERE import_id = $1 AND status = 'uploading'`, [
      importId,
      JSON.stringify(headers),
      rowsTotal,
    ]);
  }

  /** The file as it was uploaded, read back one chunk at a time. */
  file(importId: string): Readable {
    const { dataSource, box } = this;
    return Readable.from(
      (async function* () {
        for (let seq = 0; ; seq++) {
          const rows = await dataSource.query<Array<{ bytes: Buffer }>>(`SELECT bytes FROM intake_import_chunks WHERE import_id = $1 AND seq = $2`, [
            importId,
            seq,
          ]);
          if (!rows[0]) return;
          yield box.open(rows[0].bytes, chunkAad(importId, seq));
        }
      })(),
      { objectMode: false },
    );
  }

  /** A refused upload: the import and whatever of its file was stored. */
  async deleteImport(importId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM intake_imports WHERE import_id = $1`, [importId]);
  }

  /** One of the shop's imports (an operator's `shopId` undefined: any shop's). */
  async get(importId: string, shopId: string | undefined): Promise<ImportRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(`SELECT ${COLUMNS} FROM intake_imports WHERE import_id = $1 AND ($2::text IS NULL OR shop_id = $2)`, [
      importId,
      shopId ?? null,
    ]);
    return rows[0] && recordOf(rows[0]);
  }

  /**
   * uploaded → running with the settings it runs with, for one caller only; the lease says how
   * long this replica may run it before another may take it over (a crash).
   */
  async start(importId: string, settings: ImportSettings, leaseMs: number): Promise<boolean> {
    const rows = returned(
      await this.dataSource.query(
        `UPDATE intake_imports SET status = 'running', settings = $2, started_at = now(), lease_until = now() + $3 * interval '1 millisecond'
       WHERE import_id = $1 AND status = 'uploaded' RETURNING import_id`,
        [importId, JSON.stringify(settings), leaseMs],
      ),
    );
    return rows.length > 0;
  }

  /** A running import whose replica stopped renewing its lease: taken over by this one. */
  async claimStalled(leaseMs: number): Promise<ImportRecord | undefined> {
    const rows = returned<Row>(
      await this.dataSource.query(
        `UPDATE intake_imports SET lease_until = now() + $1 * interval '1 millisecond'
         WHERE import_id = (SELECT import_id FROM intake_imports WHERE status = 'running' AND lease_until < now()
                            ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [leaseMs],
      ),
    );
    return rows[0] && recordOf(rows[0]);
  }

  /**
   * A batch of report rows and the counters they add, in one transaction, renewing the lease. A row
   * already reported (a resumed run reading it again) is not counted twice.
   */
  async report(importId: string, rows: ReportRow[], leaseMs: number): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.query<Array<{ outcome: RowOutcome; line: number }>>(
        `INSERT INTO intake_import_rows (import_id, line, outcome, external_ref, reason, order_id, intake_id)
         SELECT $1, r.line, r.outcome, r.external_ref, r.reason, r.order_id, r.intake_id
         FROM jsonb_to_recordset($2::jsonb) AS r(line integer, outcome text, external_ref text, reason text, order_id uuid, intake_id uuid)
         ON CONFLICT DO NOTHING RETURNING outcome, line`,
        [
          importId,
          JSON.stringify(
            rows.map((r) => ({ line: r.line, outcome: r.outcome, external_ref: r.externalRef, reason: r.reason, order_id: r.orderId, intake_id: r.intakeId })),
          ),
        ],
      );
      const count = (outcome: RowOutcome) => inserted.filter((r) => r.outcome === outcome).length;
      await manager.query(
        `UPDATE intake_imports SET rows_done = rows_done + $2, imported = imported + $3, duplicates = duplicates + $4, rejected = rejected + $5,
           needs_attention = needs_attention + $6, last_line = GREATEST(last_line, $7), lease_until = now() + $8 * interval '1 millisecond'
         WHERE import_id = $1`,
        [
          importId,
          inserted.length,
          count('imported'),
          count('duplicate'),
          count('rejected'),
          count('needs_attention'),
          Math.max(...rows.map((r) => r.line)),
          leaseMs,
        ],
      );
    });
  }

  /** The run is over: the counters are final and the upload goes. */
  async finish(importId: string, outcome: { status: 'finished' } | { status: 'failed'; error: string }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE intake_imports SET status = $2, error = $3, finished_at = now(), lease_until = NULL WHERE import_id = $1 AND status = 'running'`,
        [importId, outcome.status, outcome.status === 'failed' ? outcome.error : null],
      );
      await manager.query(`DELETE FROM intake_import_chunks WHERE import_id = $1`, [importId]);
    });
  }

  async reportRows(importId: string, afterLine: number, limit: number): Promise<ReportRow[]> {
    const rows = await this.dataSource.query<
      Array<{ line: number; outcome: RowOutcome; external_ref: string | null; reason: string | null; order_id: string | null; intake_id: string | null }>
    >(`SELECT line, outcome, external_ref, reason, order_id, intake_id FROM intake_import_rows WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3`, [
      importId,
      afterLine,
      limit,
    ]);
    return rows.map((r) => ({
      line: r.line,
      outcome: r.outcome,
      ...(r.external_ref !== null ? { externalRef: r.external_ref } : {}),
      ...(r.reason !== null ? { reason: r.reason } : {}),
      ...(r.order_id !== null ? { orderId: r.order_id } : {}),
      ...(r.intake_id !== null ? { intakeId: r.intake_id } : {}),
    }));
  }

  /**
   * Uploads never started (or broken off) by their expiry lose their file and are marked expired;
   * imports whose report is older than `reportDays` go altogether.
   */
  async sweep(reportDays: number): Promise<{ expired: number; removed: number }> {
    const expired = returned(
      await this.dataSource.query(
        `UPDATE intake_imports SET status = 'expired', finished_at = now() WHERE status IN ('uploading', 'uploaded') AND expires_at < now() RETURNING import_id`,
      ),
    );
    await this.dataSource.query(
      `DELETE FROM intake_import_chunks c USING intake_imports i WHERE c.import_id = i.import_id AND i.status IN ('expired', 'finished', 'failed')`,
    );
    const removed = returned(
      await this.dataSource.query(
        `DELETE FROM intake_imports WHERE status IN ('finished', 'failed', 'expired') AND finished_at < now() - $1 * interval '1 day' RETURNING import_id`,
        [reportDays],
      ),
    );
    return { expired: expired.length, removed: removed.length };
  }
}
