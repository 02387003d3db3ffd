import { EventStore1764000000000 } from '@petalpost/event-store';
import { createTestDatabase, type TestDatabase } from '@petalpost/testing';
import { MessagingRelayCheckpoint1767000000000 } from './messaging-relay.migration';

/** The two relays of the messaging log become one: it must not skip what either had not yet published. */
describe('moving to one relay of the messaging log (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase({ prefix: 'relay_merge', migrations: [EventStore1764000000000] });
  });

  afterEach(() => db.drop());

  const checkpoints = (): Promise<Array<{ processor_id: string; last_tx: string; last_pos: string }>> =>
    db.dataSource.query(`SELECT processor_id, last_tx::text AS last_tx, last_pos::text AS last_pos FROM checkpoints ORDER BY processor_id`);

  async function migrate(): Promise<void> {
    const runner = db.dataSource.createQueryRunner();
    try {
      await new MessagingRelayCheckpoint1767000000000().up(runner);
    } finally {
      await runner.release();
    }
  }

  it('starts the one relay where the relay further behind had got to, and forgets the two', async () => {
    await db.dataSource.query(
      `INSERT INTO checkpoints (processor_id, last_tx, last_pos) VALUES
         ('messaging.conversations.relay', '900', 41), ('messaging.exceptions.relay', '870', 52), ('conversation-inbox', '990', 60)`,
    );
    await migrate();
    expect(await checkpoints()).toEqual([
      { processor_id: 'conversation-inbox', last_tx: '990', last_pos: '60' },
      { processor_id: 'messaging.relay', last_tx: '870', last_pos: '52' },
    ]);
  });

  it('starts the one relay at the start of the log when either relay had never run', async () => {
    await db.dataSource.query(`INSERT INTO checkpoints (processor_id, last_tx, last_pos) VALUES ('messaging.conversations.relay', '900', 41)`);
    await migrate();
    expect(await checkpoints()).toEqual([]);
  });
});
