import type { Readable } from 'node:stream';
import { type CsvError, type Info, parse } from 'csv-parse';

/** One record of the file, numbered by the line it starts on (the header is line 1), or why it could not be read. */
export type CsvRecord = { line: number; cells: string[] } | { line: number; error: string };

/** A cell longer than this is no order: it is an unclosed quote swallowing the file, and must not fill memory. */
export const MAX_RECORD_CHARS = 64 * 1024;

/**
 * The records of a CSV stream, one at a time, as csv-parse reads them (RFC 4180 quoting, a BOM
 * skipped, `,` or `;` as the delimiter): memory holds one record, however big the file. A record
 * csv-parse cannot read is yielded as an error and reading goes on; quotes inside a cell are kept
 * as they are (relax_quotes), because csv-parse loses the following rows after an invalid closing quote.
 */
export async function* csvRecords(input: Readable, options: { delimiter?: string } = {}): AsyncGenerator<CsvRecord> {
  // csv-parse reports a skipped record as soon as it meets it, ahead of the records still in its
  // buffer: each waits, with the line it was met on, until the records before it are out.
  const skipped: Array<{ seenOnLine: number; error: string }> = [];
  let lastLine = 0;
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? [',', ';'],
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  parser.on('skip', (err: CsvError & { lines?: number }) => skipped.push({ seenOnLine: err.lines ?? Number.MAX_SAFE_INTEGER, error: csvErrorText(err) }));
  input.once('error', (err) => parser.destroy(err));
  input.pipe(parser);
  function* skippedBefore(line: number): Generator<CsvRecord> {
    for (let next = skipped[0]; next && next.seenOnLine < line; next = skipped[0]) {
      skipped.shift();
      const { seenOnLine, error } = next;
      yield { line: lastLine + 1, error };
      lastLine = Math.max(lastLine + 1, Math.min(seenOnLine, line - 1));
    }
  }
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    // info.lines is the record's last line: a quoted line break inside a cell makes it span more.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    yield* skippedBefore(line);
    lastLine = info.lines;
    yield { line, cells: record };
  }
  yield* skippedBefore(Number.MAX_SAFE_INTEGER);
}

function csvErrorText(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote opened here is never closed';
    case 'CSV_MAX_RECORD_SIZE':
      return `the record is longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?)`;
    default:
      return err.message;
  }
}
