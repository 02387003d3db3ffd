import { sqlMigration } from '@petalpost/platform';

/**
 * A connection's latest write-backs, newest first, for the shop's systems page: a Chinese
 * platform is told every step and the rider's position, so its rows grow by the minute.
 */
export const IntakeWritebacksByConnection1770000001510 = sqlMigration('IntakeWritebacksByConnection1770000001510', {
  up: [`CREATE INDEX intake_writebacks_connection ON intake_writebacks (connection_id, seq)`],
  down: [`DROP INDEX intake_writebacks_connection`],
});
