import { columnsByField, fieldChoices, fieldsByColumn, IGNORED, IMPORT_FIELDS, mappingProblems, progressShare, reportRowsToShow } from './import-mapping';
import type { ReportRow } from './intake-api';

describe('the CSV import screen', () => {
  it('offers the known fields and any other the service suggested', () => {
    expect(fieldChoices({ externalRef: 'Ref', ribbonColour: 'Colour' })).toEqual([...IMPORT_FIELDS, 'ribbonColour']);
  });

  it('shows the suggested mapping column by column, and sends it back field by field', () => {
    const byColumn = fieldsByColumn(['单号', '收花人', 'Notes'], { externalRef: '单号', recipientName: '收花人', note: undefined, address: 'Gone' });
    expect(byColumn).toEqual({ 单号: 'externalRef', 收花人: 'recipientName', Notes: IGNORED });
    expect(columnsByField({ ...byColumn, Notes: 'note' })).toEqual({ externalRef: '单号', recipientName: '收花人', note: 'Notes' });
  });

  it('finds a field filled by two columns, and none when each column has its own', () => {
    expect(mappingProblems({ Name: 'recipientName', 'To whom': 'recipientName', Phone: 'recipientPhone', Notes: IGNORED, Other: IGNORED })).toEqual([
      { field: 'recipientName', columns: ['Name', 'To whom'] },
    ]);
    expect(mappingProblems({ Name: 'recipientName', Phone: 'recipientPhone' })).toEqual([]);
  });

  it('shows progress as a share of the rows, open while their number is unknown, whole when finished', () => {
    expect(progressShare({ status: 'running', rowsDone: 250, rowsTotal: 1000 })).toBe(25);
    expect(progressShare({ status: 'running', rowsDone: 250 })).toBeUndefined();
    expect(progressShare({ status: 'finished', rowsDone: 0, rowsTotal: 0 })).toBe(100);
  });

  it('lists the rows worth reading first: refused, held, duplicates, imported, each by line, a page at most', () => {
    const rows: ReportRow[] = [
      { line: 2, outcome: 'imported', orderId: 'a' },
      { line: 3, outcome: 'rejected', reason: 'deliveryDate: not a date' },
      { line: 4, outcome: 'duplicate' },
      { line: 5, outcome: 'needs_attention', reason: 'slot_full' },
      { line: 6, outcome: 'rejected', reason: 'items: none' },
    ];
    expect(reportRowsToShow(rows).rows.map((r) => r.line)).toEqual([3, 6, 5, 4, 2]);
    expect(reportRowsToShow(rows, 2)).toEqual({ rows: [rows[1], rows[4]], total: 5 });
  });
});
