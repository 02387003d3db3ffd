import { type ReportRiders, riderSeesReport } from './exception-access';

const byRita: ReportRiders = { riderId: 'rita', reportedBy: { role: 'rider', subject: 'rita' } };
const byStaffNamingRita: ReportRiders = { riderId: 'rita', reportedBy: { role: 'staff', subject: 'alice' } };
const byStaffNamingNobody: ReportRiders = { reportedBy: { role: 'staff', subject: 'alice' } };
const byStaffCalledRita: ReportRiders = { reportedBy: { role: 'staff', subject: 'rita' } };

describe('which reports a rider reads', () => {
  it.each([
    ['their own report, while they ride the order', byRita, 'rita', true],
    ['their own report, once the order went to another rider', byRita, 'mo', true],
    ['a report naming them, made by staff, once the order went to another rider', byStaffNamingRita, undefined, true],
    ['a report naming nobody, on the order they ride now', byStaffNamingNobody, 'rita', true],
    ['a report naming nobody, on an order they do not ride', byStaffNamingNobody, 'mo', false],
    ['a report of staff who share their name, on an order they do not ride', byStaffCalledRita, undefined, false],
  ])('%s', (_case, report, riderNow, sees) => {
    expect(riderSeesReport('rita', report, riderNow)).toBe(sees);
  });

  it("does not read another rider's report, on an order someone else rides", () => {
    expect(riderSeesReport('mo', byRita, 'li')).toBe(false);
  });
});
