import { stringify } from 'csv-stringify/sync';

/** A cell of an export: text someone may have typed, a number we counted, or nothing. */
export type CsvCell = string | number | null | undefined;

/** What a spreadsheet reads as the start of a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Every CSV export of every service: a header row and one row per record, CRLF line ends (RFC
 * 4180), quoted where needed by csv-stringify. A text cell a spreadsheet would run as a formula
 * gets a leading `'`, so it is shown as text; numbers are written as they are (-15 stays a number).
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return stringify([header, ...rows] as CsvCell[][], {
    record_delimiter: 'windows',
    cast: { string: (text) => (FORMULA_START.test(text) ? `'${text}` : text) },
  });
}
