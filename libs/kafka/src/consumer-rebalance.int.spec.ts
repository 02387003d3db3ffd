import type { EntityManager } from 'typeorm';
import type { ConsumerHost } from './consumer-host';
import type { ConsumedMessage } from './message-processor';
import { eventually, FAST_GROUP, kafkaTestEnv, sleep, testEvent, uncommitted, type KafkaTestEnv } from './kafka-int.fixture';

interface SlowHandler {
  messageId: string;
  partition: number;
  offset: string;
  completedAt?: number;
}

/**
 * What kafkajs 2.2.4 does when a member joins while another member's handler is running, and
 * that the inbox keeps every effect to exactly once either way.
 */
describe('ConsumerHost during a rebalance (real Kafka and PostgreSQL)', () => {
  let env: KafkaTestEnv;

  beforeAll(async () => {
    env = await kafkaTestEnv('kreb');
    await env.db.dataSource.query(`CREATE TABLE effects (event_id text NOT NULL, member text NOT NULL)`);
  });
  afterAll(() => env?.close());

  async function scenario(name: string, slowMs: number) {
    const topic = await env.topic(name, 4);
    const groupId = env.group(name);
    const events = Array.from({ length: 40 }, (_, i) => testEvent(`stream-${i % 8}`, Math.floor(i / 8) + 1));
    await env.publisher.publish(topic, events);

    const t0 = Date.now();
    const timeline: string[] = [];
    const note = (what: string) => timeline.push(`${String(Date.now() - t0).padStart(5)} ms  ${what}`);
    let slow: SlowHandler | undefined;
    let slowStarted!: () => void;
    const slowRunning = new Promise<void>((resolve) => (slowStarted = resolve));

    const handler = (member: string) => async (message: ConsumedMessage, manager: EntityManager) => {
      const messageId = message.headers['event-id'];
      await manager.query(`INSERT INTO effects (event_id, member) VALUES ($1, $2)`, [messageId, member]);
      if (member === 'A' && !slow) {
        const mine: SlowHandler = { messageId, partition: message.partition, offset: message.offset };
        slow = mine;
        note(`A starts the slow handler (${slowMs} ms) for partition ${message.partition} offset ${message.offset}`);
        slowStarted();
        await sleep(slowMs);
        mine.completedAt = Date.now();
        note('A: slow handler returns; its transaction commits next');
        return;
      }
      await sleep(10);
    };

    const a = env.consumer({ groupId, topics: [topic], handle: handler('A'), logger: env.logger.child({ member: 'A' }), group: FAST_GROUP });
    const b: ConsumerHost = env.consumer({ groupId, topics: [topic], handle: handler('B'), logger: env.logger.child({ member: 'B' }), group: FAST_GROUP });
    await a.start();
    note('A joined');
    await slowRunning;
    note('B starts');
    await b.start();
    const bJoinedAt = Date.now();
    note('B joined (its start() resolved)');
    // A second wave, published once both are members: the group shares it.
    const wave = Array.from({ length: 40 }, (_, i) => testEvent(`stream-${i % 8}`, Math.floor(i / 8) + 6));
    await env.publisher.publish(topic, wave);
    const ids = [...events, ...wave].map((e) => e.eventId);

    await eventually(async () => {
      const [{ n }] = await env.db.dataSource.query<{ n: number }[]>(`SELECT count(DISTINCT event_id)::int AS n FROM effects WHERE event_id = ANY($1)`, [ids]);
      expect(n).toBe(80);
    }, 40_000);
    await eventually(async () => expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0, 0, 0, 0]), 20_000);
    note('all 80 applied and committed');

    const rows = await env.db.dataSource.query<{ event_id: string; member: string }[]>(`SELECT event_id, member FROM effects WHERE event_id = ANY($1)`, [ids]);
    const groupLogs = env.logs.filter((line) => String(line.processor ?? '').endsWith(groupId));
    const duplicatesOfSlow = groupLogs.filter((l) => l.msg === 'duplicate message skipped' && l.messageId === slow?.messageId);
    const observed = {
      slowHandlerCompleted: slow?.completedAt !== undefined,
      bJoinedBeforeSlowHandlerReturned: bJoinedAt < slow!.completedAt!,
      slowAppliedBy: rows.filter((r) => r.event_id === slow?.messageId).map((r) => r.member),
      slowRedeliveredTo: duplicatesOfSlow.map((l) => l.member),
      // The redelivered copy waited on the inbox row of A's open transaction: skipped only once A committed.
      redeliverySkippedAfterACommitted: duplicatesOfSlow.every((l) => Number(l.time) >= slow!.completedAt!),
      duplicates: { A: (a.status().details as { duplicates: number }).duplicates, B: (b.status().details as { duplicates: number }).duplicates },
      handled: { A: rows.filter((r) => r.member === 'A').length, B: rows.filter((r) => r.member === 'B').length },
      memberLogs: groupLogs
        .filter((l) => ['warn', 'error'].includes(l.level) || /joined|rebalancing|commit/.test(String(l.msg)))
        .map((l) => `${l.member ?? '-'} ${l.level} ${l.msg}${l.err ? `: ${(l.err as { message?: string }).message}` : ''}`),
    };
    process.stdout.write(`\n[rebalance: ${name}]\n${timeline.join('\n')}\n${JSON.stringify(observed, null, 2)}\n`);
    // Whatever kafkajs did, each message's effect was applied exactly once.
    expect(rows).toHaveLength(80);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(80);
    expect(observed.slowHandlerCompleted).toBe(true);
    expect(observed.slowAppliedBy).toEqual(['A']);
    expect(observed.handled.A).toBeGreaterThan(0);
    expect(observed.handled.B).toBeGreaterThan(0);
    return { observed, slow: slow!, a, b };
  }

  it('a member joining while a handler runs: the rebalance waits for the handler, whose message is applied once and not redelivered', async () => {
    const { observed } = await scenario('short', 3_000);
    // The rebalance waits for A to rejoin, which it does only after the handler returned and its offset was committed.
    expect(observed.bJoinedBeforeSlowHandlerReturned).toBe(false);
    expect(observed.slowRedeliveredTo).toEqual([]);
  });

  it('a handler running longer than the session timeout: its member is evicted, the message is redelivered to the other member, and the inbox applies it once', async () => {
    const { observed } = await scenario('evicted', 9_000);
    // kafkajs heartbeats only between messages: after the session timeout the broker drops A and hands its partitions to B.
    expect(observed.bJoinedBeforeSlowHandlerReturned).toBe(true);
    // B's inbox insert waits for A's open transaction, then finds the row and skips the message.
    expect(observed.slowRedeliveredTo).toEqual(['B']);
    expect(observed.redeliverySkippedAfterACommitted).toBe(true);
  });
});
