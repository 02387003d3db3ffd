import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { createEventEncoder, ORDER_EVENT_CONTRACTS, PoisonMessageError, SERVICE_NAMES } from '@petalpost/contracts';
import { keyedByStream, relayedOrderCommand, type StoredEvent } from '@petalpost/event-store';
import { deadLetterOf, type OutgoingMessage } from '@petalpost/kafka';
import { orderOnTheWire, rosesPlaced } from '@petalpost/testing';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { type AsyncApiDocument, asyncApiDocument, asyncApiFiles } from './asyncapi';

const root = join(__dirname, '../..');

describe('the AsyncAPI documents in docs/asyncapi', () => {
  it('say what libs/contracts says, one per service (else: npm run contracts:docs)', () => {
    const files = asyncApiFiles();
    expect(readdirSync(join(root, 'docs/asyncapi')).sort()).toEqual(files.map((f) => f.path.replace('docs/asyncapi/', '')).sort());
    for (const { path, text } of files) expect(readFileSync(join(root, path), 'utf8')).toBe(text);
  });

  it.each(SERVICE_NAMES)('%s: the AsyncAPI parser finds no error and no warning', async (service) => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(join(root, `docs/asyncapi/${service}.asyncapi.json`), 'utf8'));
    const problems = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    expect(problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it.each(SERVICE_NAMES)('%s: writes each schema its messages share once, under components/schemas', (service) => {
    const doc = asyncApiDocument(service);
    const shared = Object.entries(doc.components.schemas);

    expect(shared.map(([name]) => name)).toEqual(expect.arrayContaining(['Uuid', 'DateTime', 'EventHeaders']));
    for (const [name, schema] of shared) expect([name, subschemasOf(doc).filter((node) => isDeepStrictEqual(node, schema)).length]).toEqual([name, 1]);
  });
});

describe('what a service says it sends', () => {
  const orders = asyncApiDocument('orders');
  const dispatch = asyncApiDocument('dispatch');

  it('is what the orders relay publishes: an order event with its key and headers', () => {
    const order = orderOnTheWire('s1');
    const logged = order.next({ type: 'OrderPlaced', data: rosesPlaced(order.ref) });
    const message = keyedByStream(createEventEncoder(ORDER_EVENT_CONTRACTS)(logged, logged.data));

    expect(problemsOf(orders, 'OrderPlaced.v2', message)).toEqual([]);
    // The same message is not an OrderAccepted: the type is in the headers and the value.
    expect(problemsOf(orders, 'OrderAccepted.v1', message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^headers\/event-type must be equal to constant/),
        expect.stringMatching(/^payload\/type must be equal to constant/),
      ]),
    );
  });

  it('keeps the constraints it writes once: an event id that is no uuid, or a time without its offset, is not an OrderPlaced', () => {
    const order = orderOnTheWire('s1');
    const logged = order.next({ type: 'OrderPlaced', data: rosesPlaced(order.ref) });
    const event = createEventEncoder(ORDER_EVENT_CONTRACTS)(logged, logged.data);
    const message = keyedByStream({ ...event, eventId: 'e1', data: { ...rosesPlaced(order.ref), placedAt: '2026-02-14T13:00:00' } });

    expect(problemsOf(orders, 'OrderPlaced.v2', message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^payload\/eventId must match format "uuid"/),
        expect.stringMatching(/^payload\/data\/placedAt must match format "date-time"/),
      ]),
    );
  });

  it("is what dispatch's relay sends orders: its commands, and only those", () => {
    const decided = storedEvent({ type: 'AssignmentRequested', data: { orderId: 'o1', shopId: 's1', riderId: 'r1' } });
    const command = relayedOrderCommand(decided, { orderId: 'o1', shopId: 's1' }, 'dispatch', 'AssignRider', { riderId: 'r1' });

    expect(problemsOf(dispatch, 'AssignRider.v1', command)).toEqual([]);
    expect(sentMessages(dispatch, 'sendOrdersCommands')).toEqual(['AssignRider.v1', 'UnassignRider.v1']);
    expect(sentMessages(asyncApiDocument('messaging'), 'sendOrdersCommands')).toEqual(['FlagOrderException.v1', 'ClearOrderException.v1']);
    expect(Object.keys(orders.operations).filter((id) => orders.operations[id].action === 'send')).toEqual([
      'sendOrdersEvents',
      'ordersCommandsParksDeadLetters',
      'ordersWritebackParksDeadLetters',
      'ordersRidersParksDeadLetters',
      'ordersPositionsParksDeadLetters',
    ]);
  });

  it('is what a consumer parks on its dead-letter topic: the original message with why and where it failed', () => {
    const original = { key: Buffer.from('o1'), value: Buffer.from('not json'), headers: { 'event-id': randomUUID() }, offset: '41' };
    const parked = deadLetterOf({ topic: 'orders.commands', partition: 2, message: original }, new PoisonMessageError('command value is not JSON'), new Date());

    expect(problemsOf(orders, 'DeadLetter', parked)).toEqual([]);
    expect(orders.channels.ordersCommandsDeadLetters.address).toBe('petalpost.orders.commands.dlq');
  });
});

describe('what a service says it reads', () => {
  it('names each consumer group, its topics and its dead-letter topic', () => {
    const notifications = asyncApiDocument('notifications');
    const reads = Object.values(notifications.operations).filter((op) => op.action === 'receive');

    expect(reads.map((op) => [op.bindings?.kafka.groupId, notifications.channels[op.channel.$ref.replace('#/channels/', '')].address])).toEqual(
      expect.arrayContaining([
        [{ type: 'string', enum: ['petalpost.notifications.push'] }, 'dispatch.events'],
        [{ type: 'string', enum: ['petalpost.notifications.tracking'] }, 'messaging.events'],
        [{ type: 'string', pattern: '^petalpost\\.notifications\\.push\\.positions\\.' }, 'riders.locations'],
      ]),
    );
    expect(Object.values(notifications.channels).map((c) => c.address)).toEqual(
      expect.arrayContaining(['petalpost.notifications.push.dlq', 'petalpost.notifications.webhooks.dlq', 'petalpost.notifications.tracking.dlq']),
    );
    // A service's document holds the topics it touches, no others.
    const orders = asyncApiDocument('orders');
    expect(Object.values(orders.channels).map((c) => c.address)).toEqual([
      'orders.events',
      'orders.commands',
      'petalpost.orders.commands.dlq',
      'petalpost.orders.writeback.dlq',
      'dispatch.events',
      'petalpost.orders.riders.dlq',
      'riders.locations',
      'petalpost.orders.positions.dlq',
    ]);
    // The riders and their positions, which the Chinese platforms are told, each read by a group that parks what it cannot read.
    const ordersReads = Object.values(orders.operations).filter((op) => op.action === 'receive');
    expect(ordersReads.map((op) => [op.bindings?.kafka.groupId, orders.channels[op.channel.$ref.replace('#/channels/', '')].address])).toEqual(
      expect.arrayContaining([
        [{ type: 'string', enum: ['petalpost.orders.riders'] }, 'dispatch.events'],
        [{ type: 'string', enum: ['petalpost.orders.positions'] }, 'riders.locations'],
      ]),
    );
  });
});

const ajv = addFormats(new Ajv({ allErrors: true }));

/** Why `message` is not the document's message `id` (its headers and JSON value), as `where message` lines. */
function problemsOf(doc: AsyncApiDocument, id: string, message: OutgoingMessage): string[] {
  const described = doc.components.messages[id];
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const value = Buffer.isBuffer(message.value) ? message.value.toString() : JSON.parse(JSON.stringify(message.value));
  return [
    ...check('headers', resolved(doc, described.headers), headers),
    ...check('payload', resolved(doc, described.payload.schema), value),
    ...check('key', described.bindings.kafka.key, String(message.key)),
  ];
}

/** The schema with each `$ref` to the document's shared schemas replaced by that schema, as a reader of the document sees it. */
function resolved(doc: AsyncApiDocument, schema: unknown): object {
  if (Array.isArray(schema)) return schema.map((item) => resolved(doc, item));
  if (typeof schema !== 'object' || schema === null) return schema as object;
  const { $ref, ...rest } = schema as { $ref?: string };
  if ($ref) {
    const shared = doc.components.schemas[$ref.replace('#/components/schemas/', '')];
    if (!shared) throw new Error(`${$ref} is not in the document`);
    return resolved(doc, { ...shared, ...rest });
  }
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, resolved(doc, value)]));
}

function check(part: string, schema: object, value: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${part}${e.instancePath} ${e.message}`);
}

function subschemasOf(node: unknown): unknown[] {
  if (typeof node !== 'object' || node === null) return [];
  return [node, ...Object.values(node).flatMap(subschemasOf)];
}

function sentMessages(doc: AsyncApiDocument, operation: string): string[] {
  return (doc.operations[operation].messages ?? []).map((m) => m.$ref.split('/').pop()!);
}

function storedEvent(event: { type: string; data: unknown }): StoredEvent {
  return {
    ...event,
    eventId: randomUUID(),
    streamId: 'delivery-o1',
    streamVersion: 1,
    globalPosition: 1,
    transactionId: '1',
    schemaVersion: 1,
    metadata: { correlationId: randomUUID(), occurredAt: new Date().toISOString() },
    recordedAt: new Date(),
  };
}
