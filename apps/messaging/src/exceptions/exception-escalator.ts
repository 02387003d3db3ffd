import { exceptionStream } from '@petalpost/contracts';
import { runCommand } from '@petalpost/event-store';
import { LOGGER, periodicTask, runAlone, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { exceptionDecider } from './domain/exception.decider';
import type { ExceptionsConfig } from './exceptions.config';
import { EXCEPTION_STORE, type ExceptionStore } from './exception-store';

export const EXCEPTION_ESCALATOR = Symbol('EXCEPTION_ESCALATOR');

/**
 * Escalates reports nobody acknowledged within MESSAGING_EXCEPTION_ESCALATE_SECONDS. Exactly once
 * with any number of replicas: one replica scans at a time (a transaction advisory lock), and the
 * escalation is an event the decider appends at most once per report, under the stream's version
 * check — a second escalator racing it re-decides and finds nothing to do.
 */
export const exceptionEscalator = periodicTask(
  EXCEPTION_ESCALATOR,
  (dataSource: DataSource, store: ExceptionStore, config: ExceptionsConfig, logger: Logger) => {
    const afterSeconds = config.MESSAGING_EXCEPTION_ESCALATE_SECONDS;
    let escalated = 0;
    return {
      name: 'messaging.exceptions.escalator',
      // Look a few times per escalation period, so a report waits at most a quarter period extra.
      everyMs: Math.min(5_000, Math.max(200, (afterSeconds * 1000) / 4)),
      pass: () =>
        runAlone(dataSource, 'exception-escalation', async (db) => {
          const due = await db.query<Array<{ exception_id: string }>>(
            `SELECT exception_id FROM exception_reports
              WHERE status = 'reported' AND escalated_at IS NULL AND reported_at <= now() - make_interval(secs => $1)
              ORDER BY reported_at LIMIT 100`,
            [afterSeconds],
          );
          for (const { exception_id: exceptionId } of due) {
            if (!(await escalate(store, exceptionId, afterSeconds))) continue;
            escalated++;
            logger.warn({ exceptionId, streamId: exceptionStream(exceptionId) }, 'exception escalated: nobody acknowledged it in time');
          }
        }),
      failure: 'escalation pass failed; retrying at the next pass',
      details: () => ({ escalated, afterSeconds }),
    };
  },
  [DataSource, EXCEPTION_STORE, SERVICE_CONFIG, LOGGER],
);

/** Asks the decider to escalate the report; true when it did (not acknowledged, not escalated yet). */
async function escalate(store: ExceptionStore, exceptionId: string, afterSeconds: number): Promise<boolean> {
  const command = { type: 'EscalateException' as const, escalateAfterSeconds: afterSeconds, now: new Date().toISOString() };
  const result = await runCommand(store, exceptionDecider, exceptionStream(exceptionId), command, {
    actor: { role: 'operator', subject: 'messaging.escalation' },
  });
  return result.events.length > 0;
}
