import { Readable } from 'node:stream';
import { type CsvRecord, csvRecords, MAX_RECORD_CHARS } from './csv-records';

const read = async (text: string, chunk = 7): Promise<CsvRecord[]> => {
  // Small chunks: a record split across reads must come out whole.
  const chunks = Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => text.slice(i * chunk, (i + 1) * chunk));
  const out: CsvRecord[] = [];
  for await (const record of csvRecords(Readable.from(chunks))) out.push(record);
  return out;
};

describe('reading a CSV stream record by record', () => {
  it('numbers each record by the line it starts on, quoted line breaks included', async () => {
    expect(await read('ref,name\r\n1,"Ann\nLee"\r\n2,Bo\r\n')).toEqual([
      { line: 1, cells: ['ref', 'name'] },
      { line: 2, cells: ['1', 'Ann\nLee'] },
      { line: 4, cells: ['2', 'Bo'] },
    ]);
  });

  it('skips a byte order mark and reads ; as a delimiter', async () => {
    expect(await read('\uFEFFref;name\n1;Ann\n')).toEqual([
      { line: 1, cells: ['ref', 'name'] },
      { line: 2, cells: ['1', 'Ann'] },
    ]);
  });

  it('keeps reading after a stray quote and a row of the wrong width', async () => {
    const records = await read('ref,name\n1,"bad"x\n2,two,extra\n3,three\n');
    expect(records).toEqual([
      { line: 1, cells: ['ref', 'name'] },
      { line: 2, cells: ['1', '"bad"x'] },
      { line: 3, cells: ['2', 'two', 'extra'] },
      { line: 4, cells: ['3', 'three'] },
    ]);
  });

  it('reports a quote never closed at the end of the file as an error on its line', async () => {
    const records = await read('ref,name\n1,ok\n2,"never closed\n');
    expect(records.slice(0, 2)).toEqual([
      { line: 1, cells: ['ref', 'name'] },
      { line: 2, cells: ['1', 'ok'] },
    ]);
    expect(records[2]).toEqual({ line: 3, error: expect.stringContaining('never closed') });
  });

  it('gives up on a record longer than any order instead of holding the file in memory', async () => {
    const records = await read(`ref,name\n1,"${'z'.repeat(MAX_RECORD_CHARS + 10)}\n2,ok\n`, 4096);
    expect(records[0]).toEqual({ line: 1, cells: ['ref', 'name'] });
    expect(records.some((r) => 'error' in r)).toBe(true);
    expect(records.filter((r) => 'cells' in r && r.cells[0] === '1')).toEqual([]);
  });
});
