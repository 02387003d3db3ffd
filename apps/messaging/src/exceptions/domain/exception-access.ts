/** What of a report decides whether a rider may read it. */
export interface ReportRiders {
  /** The rider the report named: the one assigned to the order when it was made. */
  riderId?: string;
  reportedBy: { role: string; subject: string };
}

/**
 * Which reports a rider reads (`GET /exceptions/:id`, and the list): those they made, those that
 * name them — the same a rider is told of live (`data.riderId`) — and any on the order they ride
 * now. A report keeps answering the rider it named after the order has moved on (a broken scooter
 * hands the order to someone else): it is theirs to see acknowledged and decided.
 */
export function riderSeesReport(riderId: string, report: ReportRiders, riderOfOrderNow: string | undefined): boolean {
  return (report.reportedBy.role === 'rider' && report.reportedBy.subject === riderId) || report.riderId === riderId || riderOfOrderNow === riderId;
}
