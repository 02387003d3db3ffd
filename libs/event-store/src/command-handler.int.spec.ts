import { randomUUID } from 'node:crypto';
import { DomainError, type EventMetadata } from '@petalpost/contracts';
import { runWithContext } from '@petalpost/platform';
import { createTestDatabase, type TestDatabase } from '@petalpost/testing';
import { type CommandResult, handleCommand, requestFingerprint, runCommand } from './command-handler';
import type { Decider } from './decider';
import { EventStore } from './event-store';
import { EventStore1764000000000 } from './event-store.migration';

/** A tiny aggregate with a rule: a counter that may not pass its maximum. */
type Increment = { type: 'Increment'; max: number };
type Incremented = { type: 'Incremented'; data: { by: number } };
const counter: Decider<Increment, Incremented, { count: number }> = {
  streamType: 'counter',
  initialState: () => ({ count: 0 }),
  evolve: (state) => ({ count: state.count + 1 }),
  decide: (command, state) => {
    if (state.count >= command.max)
      throw new DomainError('conflict', 'LIMIT_REACHED', `the counter is at its maximum of ${command.max}`, { count: state.count });
    return [{ type: 'Incremented', data: { by: 1 } }];
  },
};
const metadata: EventMetadata = { correlationId: 'c-cmd', occurredAt: '2026-02-14T10:00:00.000Z' };
/** The counter for runCommand, whose commands say when they were given. */
const timedCounter: Decider<Increment & { now: string }, Incremented, { count: number }> = counter;

describe('the command handler (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase({ migrations: [EventStore1764000000000], prefix: 'cmd' });
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('lets only legal commands of 50 concurrent ones win, losing and doubling nothing', async () => {
    const streamId = `c-${randomUUID()}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => handleCommand(store, counter, { streamId, command: { type: 'Increment', max: 30 }, metadata })),
    );
    const won = outcomes.filter((o): o is PromiseFulfilledResult<CommandResult<{ count: number }>> => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as DomainError);
    expect(refused.every((e) => e instanceof DomainError && ['LIMIT_REACHED', 'STREAM_VERSION_CONFLICT'].includes(e.code))).toBe(true);
    const events = await store.readStream(streamId);
    // Every winner's event is in the log, once, at the version it was told; versions are contiguous.
    expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
    expect(won.map((o) => o.value.version).sort((a, b) => a - b)).toEqual(events.map((e) => e.streamVersion));
    expect(events.length).toBeLessThanOrEqual(30);
    expect(events.length).toBeGreaterThan(0);
  });

  it('answers a lost race with the current version and state', async () => {
    const streamId = `c-${randomUUID()}`;
    await handleCommand(store, counter, { streamId, command: { type: 'Increment', max: 1 }, metadata });
    const error = await handleCommand(store, counter, { streamId, command: { type: 'Increment', max: 1 }, metadata }).catch((e: DomainError) => e);
    expect(error).toMatchObject({ kind: 'conflict', code: 'LIMIT_REACHED', details: { count: 1 } });
    const stale = await handleCommand(store, counter, { streamId, command: { type: 'Increment', max: 5 }, metadata, expectedVersion: 0 }).catch(
      (e: DomainError) => e,
    );
    expect(stale).toMatchObject({ kind: 'precondition_failed', code: 'STALE_VERSION', details: { currentVersion: 1, state: { count: 1 } } });
  });

  it('appends once for ten concurrent retries with the same idempotency key, and returns the same result to all', async () => {
    const streamId = `c-${randomUUID()}`;
    const idempotency = { key: `k-${randomUUID()}`, fingerprint: requestFingerprint('increment', streamId) };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => handleCommand(store, counter, { streamId, command: { type: 'Increment', max: 99 }, metadata, idempotency })),
    );
    expect(await store.readStream(streamId)).toHaveLength(1);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([1]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('refuses an idempotency key reused for a different request', async () => {
    const streamId = `c-${randomUUID()}`;
    const key = `k-${randomUUID()}`;
    await handleCommand(store, counter, { streamId, command: { type: 'Increment', max: 9 }, metadata, idempotency: { key, fingerprint: 'a' } });
    await expect(
      handleCommand(store, counter, { streamId, command: { type: 'Increment', max: 9 }, metadata, idempotency: { key, fingerprint: 'b' } }),
    ).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it("stamps a command's events with its time and actor, and the correlation and trace of the request it runs in", async () => {
    const streamId = `c-${randomUUID()}`;
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const command = { type: 'Increment' as const, max: 9, now: '2026-02-14T10:00:00.000Z' };
    const actor = { role: 'staff' as const, subject: 'alice', shopId: 's1' };
    await runWithContext({ correlationId: 'req-1', traceparent }, () => runCommand(store, timedCounter, streamId, command, { actor }));
    await runCommand(store, timedCounter, streamId, { ...command, now: '2026-02-14T10:01:00.000Z' }, { correlationId: 'cmd-2', causationId: 'msg-2' });
    const [first, second] = await store.readStream(streamId);
    expect(first.metadata).toEqual({ correlationId: 'req-1', traceparent, actor, occurredAt: command.now });
    expect(second.metadata).toEqual({ correlationId: 'cmd-2', causationId: 'msg-2', occurredAt: '2026-02-14T10:01:00.000Z' });
  });
});

describe('reading old and past events (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrations: [EventStore1764000000000], prefix: 'upcast' });
  });
  afterAll(() => db.drop());

  it('upcasts events written at an old schema version when reading, leaving the log as it was', async () => {
    const writer = new EventStore(db.dataSource);
    const streamId = `p-${randomUUID()}`;
    // Version 1 of "PriceSet" carried a price in cents; version 2 carries an amount and a currency.
    await writer.append(streamId, 'price', 0, [{ type: 'PriceSet', schemaVersion: 1, data: { cents: 4500 } }], metadata);
    await writer.append(streamId, 'price', 1, [{ type: 'PriceSet', schemaVersion: 2, data: { amount: '39.00', currency: 'EUR' } }], metadata);
    const reader = new EventStore(db.dataSource, {
      PriceSet: { 1: (old) => ({ amount: ((old as { cents: number }).cents / 100).toFixed(2), currency: 'EUR' }) },
    });
    const events = await reader.readStream(streamId);
    expect(events.map((e) => [e.schemaVersion, e.data])).toEqual([
      [2, { amount: '45.00', currency: 'EUR' }],
      [2, { amount: '39.00', currency: 'EUR' }],
    ]);
    const [stored] = await db.dataSource.query(`SELECT schema_version, data FROM events WHERE stream_id = $1 AND stream_version = 1`, [streamId]);
    expect(stored).toEqual({ schema_version: 1, data: { cents: 4500 } });
  });

  it('reads a stream as it was at a global position, for audits', async () => {
    const store = new EventStore(db.dataSource);
    const streamId = `a-${randomUUID()}`;
    const first = await store.append(streamId, 'audit', 0, [{ type: 'Noted', data: { n: 1 } }], metadata);
    await store.append(`other-${randomUUID()}`, 'audit', 0, [{ type: 'Noted', data: { n: 0 } }], metadata);
    await store.append(streamId, 'audit', 1, [{ type: 'Noted', data: { n: 2 } }], metadata);
    const asThen = await store.readStream(streamId, { atPosition: first.events[0].globalPosition });
    expect(asThen.map((e) => e.data)).toEqual([{ n: 1 }]);
  });
});
