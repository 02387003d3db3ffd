import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { type RunningService, type ServiceConfig, type ServiceDefinition, serviceConfigSchemaFor } from '@petalpost/platform';
import { eventually, startTestService, uniqueName } from '@petalpost/testing';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { EventStore } from './event-store';
import type { Projection } from './projection';
import { COUNTER_TABLES, counterMetadata, counterProjection } from './projection-counters.fixture';
import { ProjectionHost } from './projection-host';
import { ServiceProjectionDirectory } from './projections-admin';
import { logProjections } from './service-projections';
import { serviceFoundation } from './service-foundation';

/** A second projection of the same log, in a set of its own: the longest stream version seen per stream. */
const streamLengths: Projection = {
  name: 'stream-lengths',
  version: 1,
  tables: ['stream_lengths'],
  async handle(events, db, tables) {
    await db.query(
      `INSERT INTO "${tables.stream_lengths}" AS l (stream_id, length)
       SELECT stream_id, max(version) + 1 FROM unnest($1::text[], $2::int[]) AS e(stream_id, version) GROUP BY stream_id
       ON CONFLICT (stream_id) DO UPDATE SET length = greatest(l.length, EXCLUDED.length)`,
      [events.map((e) => e.streamId), events.map((e) => e.streamVersion)],
    );
  },
};

class LedgerTables1790000000000 {
  name = 'LedgerTables1790000000000';
  async up(db: { query(sql: string): Promise<unknown> }) {
    await db.query(COUNTER_TABLES);
    await db.query(`CREATE TABLE stream_lengths (stream_id text PRIMARY KEY, length integer NOT NULL)`);
  }
  async down(db: { query(sql: string): Promise<unknown> }) {
    await db.query(`DROP TABLE stream_lengths, stream_counters, applied_events`);
  }
}

@Module({})
class LedgerModule {
  static forRoot(config: ServiceConfig & { DATABASE_SCHEMA: string }, logger: pino.Logger): DynamicModule {
    const foundation = serviceFoundation('ledger', config, logger, { migrations: [LedgerTables1790000000000], eventLog: {} });
    return {
      module: LedgerModule,
      imports: foundation.imports,
      providers: [...foundation.providers, logProjections('Counters', () => [counterProjection()]), logProjections('Lengths', () => [streamLengths])],
    };
  }
}

const ledgerConfigSchema = serviceConfigSchemaFor('ledger');
const ledgerService: ServiceDefinition<ServiceConfig & { DATABASE_SCHEMA: string }> = {
  name: 'ledger',
  title: 'Ledger',
  description: 'A service with two sets of projections over one log',
  configSchema: ledgerConfigSchema,
  module: (config, logger) => LedgerModule.forRoot(config, logger),
};

type Status = Record<string, unknown> & { name: string; lag?: number; rebuild?: Record<string, unknown> & { state: string; eventsDone: number } };

describe('the operators’ projections API every event-sourced service mounts (a real service over HTTP, real PostgreSQL)', () => {
  const tokens = developmentTokens();
  const operator = tokens.sign({ sub: 'olga', role: 'operator' } as Principal);
  const staff = tokens.sign({ sub: 'sam', role: 'staff', shopId: 'shop-1' } as Principal);
  let service: RunningService<ServiceConfig & { DATABASE_SCHEMA: string }>;
  let store: EventStore;
  let appended = 0;

  const call = (method: string, path: string, token?: string) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? '{}' : undefined,
    });
  const statuses = async () => {
    const response = await call('GET', '/admin/projections', operator);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Status[] }).items;
  };
  const append = async (streams: number, eventsPerStream: number) => {
    await Promise.all(
      Array.from({ length: streams }, () =>
        store.append(
          `s-${randomUUID()}`,
          'counter',
          0,
          Array.from({ length: eventsPerStream }, (_, i) => ({ type: 'Counted', data: { n: i + 1 } })),
          counterMetadata,
        ),
      ),
    );
    appended += streams * eventsPerStream;
  };

  beforeAll(async () => {
    service = await startTestService(ledgerService, { KAFKA_NAMESPACE: uniqueName('ledger').replace('_', '-') });
    store = service.app.get(EventStore);
    await append(40, 5);
  });
  afterAll(() => service?.app.close());

  it('lists the projections of every set the service declares, with checkpoint and lag, to operators only', async () => {
    await eventually(async () => {
      const items = await statuses();
      expect(items.map((p) => [p.name, p.ready, p.lag])).toEqual([
        ['counters', true, 0],
        ['stream-lengths', true, 0],
      ]);
    });
    expect((await call('GET', '/admin/projections', staff)).status).toBe(403);
    expect((await call('GET', '/admin/projections')).status).toBe(401);
    expect((await call('POST', '/admin/projections/counters/rebuild', staff)).status).toBe(403);
  });

  it('rebuilds a projection of either set with its progress readable while it runs, refuses a second (409) and an unknown name (404)', async () => {
    expect((await call('POST', '/admin/projections/nope/rebuild', operator)).status).toBe(404);
    // A long read of the live table holds the swap back, so the rebuild is observably in progress.
    const reader = service.app.get(DataSource).createQueryRunner();
    await reader.connect();
    await reader.startTransaction();
    await reader.query(`SELECT count(*) FROM stream_lengths`);
    try {
      const started = await call('POST', '/admin/projections/stream-lengths/rebuild', operator);
      expect(started.status).toBe(202);
      // The first answer already knows how much there is to do.
      expect(await started.json()).toMatchObject({ projection: 'stream-lengths', state: 'running', eventsDone: 0, lag: appended });
      expect((await call('POST', '/admin/projections/stream-lengths/rebuild', operator)).status).toBe(409);

      const during = await eventually(async () => {
        const lengths = (await statuses()).find((p) => p.name === 'stream-lengths')!;
        expect(lengths.rebuild).toMatchObject({ state: 'swapping', lag: 0 });
        return lengths.rebuild!;
      });
      // How far it got is readable: its events done, and its position, the log's last in reading
      // order (transaction, then global position). Concurrent appends commit out of global order,
      // so that is not always the highest global position (the head).
      const [last] = (await service.app
        .get(DataSource)
        .query(
          `SELECT transaction_id::text AS "transactionId", global_position::int AS "globalPosition" FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
        )) as Array<{
        transactionId: string;
        globalPosition: number;
      }>;
      expect(during).toMatchObject({ eventsDone: appended, head: expect.any(Number), position: { globalPosition: last.globalPosition } });
      expect(during.head).toBeGreaterThanOrEqual(last.globalPosition);
      // The other set's projection is not touched.
      expect((await statuses()).find((p) => p.name === 'counters')?.rebuild).toBeUndefined();
    } finally {
      await reader.commitTransaction();
      await reader.release();
    }
    await eventually(async () => {
      const lengths = (await statuses()).find((p) => p.name === 'stream-lengths')!;
      expect(lengths.rebuild).toMatchObject({ state: 'done', eventsDone: appended });
    });
    const [{ n }] = (await service.app.get(DataSource).query(`SELECT count(*)::int AS n FROM stream_lengths`)) as Array<{ n: number }>;
    expect(n).toBe(40);
  });

  it('refuses two projections of one name in one service: they would share a checkpoint', () => {
    const directory = new ServiceProjectionDirectory();
    const hostOf = () => new ProjectionHost(service.app.get(DataSource), store, [counterProjection()], { logger: pino({ level: 'silent' }) });
    directory.add(hostOf());
    expect(() => directory.add(hostOf())).toThrow(/two projections of this service are named counters/);
  });
});
