import { z } from 'zod';

/** The CSV imports' variables (the size limit, ORDERS_INTAKE_IMPORT_MAX_MB, is with the intake's). */
export const importsConfigShape = {
  /** An upload not started within this many hours is deleted. */
  ORDERS_INTAKE_IMPORT_EXPIRY_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** How long an import's per-row report is kept after it ends. */
  ORDERS_INTAKE_IMPORT_REPORT_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often expired uploads are deleted and imports of a stopped replica are taken over. */
  ORDERS_INTAKE_IMPORT_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
};

export interface ImportsConfig {
  ORDERS_INTAKE_IMPORT_MAX_MB: number;
  ORDERS_INTAKE_IMPORT_EXPIRY_HOURS: number;
  ORDERS_INTAKE_IMPORT_REPORT_DAYS: number;
  ORDERS_INTAKE_IMPORT_SWEEP_MS: number;
}
