import { INBOX_MIGRATION_NAME, KafkaDeadLetterReplays1782000000000 } from '@petalpost/kafka';
import { EventStore1764000000000 } from './event-store.migration';
import { serviceMigrations } from './service-foundation';

class OwnTable1 {}
class OwnTable2 {}

const names = (migrations: Array<new () => object>) => migrations.map((migration) => migration.name);

describe('serviceMigrations', () => {
  it('runs the inbox and the dead-letter replays, then the event log, then the service’s own migrations in the order given', () => {
    const migrations = serviceMigrations(true, [OwnTable2, OwnTable1]);
    expect(names(migrations)).toEqual([INBOX_MIGRATION_NAME, KafkaDeadLetterReplays1782000000000.name, EventStore1764000000000.name, 'OwnTable2', 'OwnTable1']);
  });

  it('leaves the event log out for a service that keeps none', () => {
    expect(names(serviceMigrations(false, [OwnTable1]))).toEqual([INBOX_MIGRATION_NAME, KafkaDeadLetterReplays1782000000000.name, 'OwnTable1']);
  });
});
