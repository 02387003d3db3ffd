import type { Pool } from 'pg';

/** What held the relays' horizon back while a path was measured. */
export interface HorizonSamples {
  /** Age (ms) of the oldest transaction holding a transaction id, per sample; 0 when there was none. */
  ages: number[];
  /** The oldest such transaction's state and last statement, when it was older than HELD_MS, and in how many samples. */
  holders: Map<string, Holder>;
}

export interface Holder {
  state: string;
  statement: string;
  samples: number;
}

export const HELD_MS = 100;

export const emptyHorizon = (): HorizonSamples => ({ ages: [], holders: new Map() });

/**
 * Every 100 ms until stopped: the oldest open transaction that holds a transaction id, anywhere in
 * the server. The relays publish only what committed before it began (readAll's snapshot
 * horizon, docs/event-store.md), so its age is a floor under POST → produced.
 */
export function sampleHorizon(pool: Pool, into: HorizonSamples): () => Promise<void> {
  let open = true;
  const loop = (async () => {
    while (open) {
      const { rows } = await pool.query<{ age: number; state: string; query: string }>(
        `SELECT extract(epoch FROM clock_timestamp() - xact_start) * 1000 AS age, state,
                left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
           FROM pg_stat_activity
          WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
          ORDER BY xact_start
          LIMIT 1`,
      );
      const oldest = rows[0];
      into.ages.push(oldest ? Number(oldest.age) : 0);
      if (oldest && Number(oldest.age) > HELD_MS) {
        const statement = oldest.query.trim();
        const key = `${oldest.state}\n${statement}`;
        const holder = into.holders.get(key) ?? { state: oldest.state, statement, samples: 0 };
        holder.samples++;
        into.holders.set(key, holder);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    open = false;
    await loop;
  };
}
