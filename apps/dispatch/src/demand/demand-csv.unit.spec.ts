import { demandCsv } from './demand.queries';

describe('the demand export', () => {
  it('neutralises an area a spreadsheet would run as a formula, and keeps the counts numbers', () => {
    const csv = demandCsv([{ weekday: 'friday', hour: 14, hourOfWeek: 110, area: '=HYPERLINK("https://evil.example","x")', orders: 3, cancelled: 1 }]);
    expect(csv).toBe('weekday,hour,hour_of_week,area,orders,cancelled\r\nfriday,14,110,"\'=HYPERLINK(""https://evil.example"",""x"")",3,1\r\n');
  });
});
