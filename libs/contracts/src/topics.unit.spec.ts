import { TOPIC_MESSAGES } from './topic-messages';
import { allTopics, CONSUMER_GROUPS, REPLICA_READERS, serviceOfGroup, TOPICS, type TopicKey } from './topics';

describe('who produces and reads each topic', () => {
  it('names every consumer group petalpost.<service>.<purpose> after a service that meets on Kafka', () => {
    for (const { group } of Object.values(CONSUMER_GROUPS)) expect(group).toMatch(new RegExp(`^petalpost\\.${serviceOfGroup(group)}\\.[a-z]+$`));
    for (const { groupPrefix } of Object.values(REPLICA_READERS)) expect(() => serviceOfGroup(groupPrefix)).not.toThrow();
    expect(() => serviceOfGroup('petalpost.billing.invoices')).toThrow(/does not name a service/);
  });

  it('gives the producers of a command topic as exactly the services that send its commands', () => {
    for (const key of Object.keys(TOPICS) as TopicKey[]) {
      const carried = TOPIC_MESSAGES[key];
      if (carried.kind !== 'commands') continue;
      expect([...new Set(Object.values(carried.senders))].sort()).toEqual([...TOPICS[key].producedBy].sort());
    }
  });

  it('creates a dead-letter topic for every consumer group, and none for readers that park nothing', () => {
    const names = allTopics('ns').map((t) => t.name);
    for (const { group } of Object.values(CONSUMER_GROUPS)) expect(names).toContain(`ns.${group}.dlq`);
    // A consumer group on riders.locations parks what it cannot read; a replica reader parks nothing.
    expect(names).toContain('ns.petalpost.orders.positions.dlq');
    for (const { groupPrefix } of Object.values(REPLICA_READERS)) expect(names.filter((n) => n.includes(groupPrefix))).toEqual([]);
  });
});
