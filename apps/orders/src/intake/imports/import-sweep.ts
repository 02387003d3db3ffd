import { periodicTask, SERVICE_CONFIG } from '@petalpost/platform';
import { ImportRunner, IMPORT_LEASE_MS } from './import-runner.service';
import type { ImportsConfig } from './imports.config';
import { IntakeImportsStore } from './intake-imports.store';

export const IMPORT_SWEEP = Symbol('IMPORT_SWEEP');

/**
 * Deletes uploads nobody started before they expired and old reports, and takes over imports
 * whose replica stopped (its lease ran out): they resume after the last row they reported.
 */
export const importSweep = periodicTask(
  IMPORT_SWEEP,
  (config: ImportsConfig, imports: IntakeImportsStore, runner: ImportRunner) => ({
    name: 'intake-import-sweep',
    everyMs: config.ORDERS_INTAKE_IMPORT_SWEEP_MS,
    failure: 'sweeping CSV imports failed; the next pass tries again',
    pass: async () => {
      await imports.sweep(config.ORDERS_INTAKE_IMPORT_REPORT_DAYS);
      for (let record = await imports.claimStalled(IMPORT_LEASE_MS); record; record = await imports.claimStalled(IMPORT_LEASE_MS)) runner.launch(record);
    },
  }),
  [SERVICE_CONFIG, IntakeImportsStore, ImportRunner],
);
