import type { ImportProgress, ReportRow } from './intake-api';

/** A column left out of the import. */
export const IGNORED = '';

/** How a sheet writes its dates: 2027-02-14, 14/02/2027 or 02/14/2027. */
export const DATE_ORDERS = ['ymd', 'dmy', 'mdy'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

/** The order fields a CSV column may fill, as the import knows them. */
export const IMPORT_FIELDS = [
  'externalRef',
  'buyerName',
  'buyerPhone',
  'buyerEmail',
  'recipientName',
  'recipientPhone',
  'address',
  'addressNotes',
  'addressType',
  'deliveryDate',
  'deliveryTime',
  'deliveryFrom',
  'deliveryTo',
  'deliverySlot',
  'items',
  'product',
  'sku',
  'quantity',
  'cardMessage',
  'anonymous',
  'doNotContact',
  'price',
  'currency',
  'paid',
  'note',
] as const;

/**
 * The service's mapping names a column for each field; staff read it the other way round, a
 * field chosen for each column of their sheet (a column left out fills nothing).
 */
export function fieldsByColumn(columns: readonly string[], byField: Partial<Record<string, string>>): Record<string, string> {
  const byColumn: Record<string, string> = Object.fromEntries(columns.map((column) => [column, IGNORED]));
  for (const [field, column] of Object.entries(byField)) if (column !== undefined && column in byColumn) byColumn[column] = field;
  return byColumn;
}

/** Back to the service's shape: field → its column. */
export function columnsByField(byColumn: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(byColumn).flatMap(([column, field]) => (field === IGNORED ? [] : [[field, column]])));
}

/** The fields offered for each column: the known ones, and any the service suggested that this list lacks. */
export function fieldChoices(suggested: Partial<Record<string, string>>): string[] {
  const extra = Object.keys(suggested).filter((field) => !(IMPORT_FIELDS as readonly string[]).includes(field));
  return [...IMPORT_FIELDS, ...new Set(extra)];
}

/** Fields two or more columns would fill: the import could not tell which to take. */
export function mappingProblems(mapping: Record<string, string>): Array<{ field: string; columns: string[] }> {
  const byField = new Map<string, string[]>();
  for (const [column, field] of Object.entries(mapping)) {
    if (field === IGNORED) continue;
    byField.set(field, [...(byField.get(field) ?? []), column]);
  }
  return [...byField].filter(([, columns]) => columns.length > 1).map(([field, columns]) => ({ field, columns }));
}

/** Percent done, or undefined (an indeterminate bar) while the number of rows is not yet known. */
export function progressShare(progress: Pick<ImportProgress, 'status' | 'rowsDone' | 'rowsTotal'>): number | undefined {
  if (progress.status === 'finished') return 100;
  if (!progress.rowsTotal) return undefined;
  return Math.min(100, Math.floor((progress.rowsDone / progress.rowsTotal) * 100));
}

const ORDER_OF_CONCERN: Record<ReportRow['outcome'], number> = { rejected: 0, needs_attention: 1, duplicate: 2, imported: 3 };
export const REPORT_ROWS_SHOWN = 200;

/**
 * The report's rows worth reading first: refused ones, then held, duplicates, imported, each by
 * line of the file; at most a page of them (the download has every row).
 */
export function reportRowsToShow(rows: ReportRow[], limit = REPORT_ROWS_SHOWN): { rows: ReportRow[]; total: number } {
  const sorted = [...rows].sort((a, b) => ORDER_OF_CONCERN[a.outcome] - ORDER_OF_CONCERN[b.outcome] || a.line - b.line);
  return { rows: sorted.slice(0, limit), total: rows.length };
}
