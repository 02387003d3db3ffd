import * as contracts from '@petalpost/contracts';
import {
  CONSUMER_GROUPS,
  deadLetterTopic,
  type EventContract,
  IntegrationEventSchema,
  REPLICA_READERS,
  SERVICE_NAMES,
  type ServiceName,
  serviceOfGroup,
  TOPIC_MESSAGES,
  type TopicKey,
  type TopicMessages,
  TOPICS,
  OrderCommandMessageSchema,
} from '@petalpost/contracts';
import { z } from 'zod';
import { deadLetterHeaders, envelopeHeaders, positionHeaders, type Schema, typedHeaders } from './headers';
import { shareSchemas } from './shared-schemas';
import { readersOf, retention } from './topic-text';

/** Where each service's document is kept, relative to the repository root, and what it says. */
export function asyncApiFiles(): Array<{ path: string; service: ServiceName; text: string }> {
  return SERVICE_NAMES.map((service) => ({ path: asyncApiPath(service), service, text: `${JSON.stringify(asyncApiDocument(service), null, 2)}\n` }));
}

export function asyncApiPath(service: ServiceName): string {
  return `docs/asyncapi/${service}.asyncapi.json`;
}

/**
 * The AsyncAPI 3.0 document of one service on Kafka: every topic it produces or reads, each
 * message per type and schema version with its payload, key and headers, and the dead-letter
 * topics of its consumer groups. Written from libs/contracts, like docs/contracts.md.
 */
export function asyncApiDocument(service: ServiceName): AsyncApiDocument {
  const channels: Record<string, Channel> = {};
  const operations: Record<string, Operation> = {};
  const messages: Record<string, Message> = {};

  const topicChannel = (key: TopicKey): string => {
    if (channels[key]) return key;
    const carried = messagesOf(key, TOPIC_MESSAGES[key]);
    for (const id of Object.keys(carried)) if (messages[id]) throw new Error(`${id} travels on two topics: its message needs a name of its own`);
    Object.assign(messages, carried);
    channels[key] = {
      address: TOPICS[key].name,
      title: TOPICS[key].name,
      description: topicDescription(key),
      messages: Object.fromEntries(Object.keys(carried).map((id) => [id, { $ref: `#/components/messages/${id}` }])),
      bindings: { kafka: topicBinding(TOPICS[key]) },
    };
    return key;
  };

  for (const key of topicKeys()) {
    if (!producersOf(key).includes(service)) continue;
    const channel = topicChannel(key);
    operations[`send${pascal(key)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channel}` },
      summary: `${service} produces ${TOPICS[key].name}`,
      description: producerNote(key, service),
      messages: sentBy(key, service).map((id) => ({ $ref: `#/channels/${channel}/messages/${id}` })),
    };
  }

  for (const [groupKey, { group, topics }] of Object.entries(CONSUMER_GROUPS)) {
    if (serviceOfGroup(group) !== service) continue;
    for (const topic of topics) {
      const channel = topicChannel(topicKeyOf(topic));
      operations[`${groupKey}Receives${pascal(channel)}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${channel}` },
        summary: `${group} reads ${topic}`,
        description: readerNote(topicKeyOf(topic)),
        bindings: { kafka: { groupId: { type: 'string', enum: [group] }, bindingVersion: KAFKA_BINDING } },
      };
    }
    const dlq = `${groupKey}DeadLetters`;
    messages.DeadLetter = deadLetterMessage();
    channels[dlq] = {
      address: deadLetterTopic(group).name,
      title: deadLetterTopic(group).name,
      description: `What ${group} could not process: a message that failed after its retries, or poison (not JSON, not an envelope, a schema violation), parked with the error so the partition keeps flowing. For operators to inspect and replay.`,
      messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
      bindings: { kafka: topicBinding(deadLetterTopic(group)) },
    };
    operations[`${groupKey}ParksDeadLetters`] = {
      action: 'send',
      channel: { $ref: `#/channels/${dlq}` },
      summary: `${group} parks what it cannot process`,
      messages: [{ $ref: `#/channels/${dlq}/messages/DeadLetter` }],
    };
  }

  for (const [readerKey, { groupPrefix, topics }] of Object.entries(REPLICA_READERS)) {
    if (serviceOfGroup(groupPrefix) !== service) continue;
    for (const topic of topics) {
      const channel = topicChannel(topicKeyOf(topic));
      operations[`${readerKey}Receives${pascal(channel)}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${channel}` },
        summary: `each replica of ${service} reads ${topic}`,
        description: `Every replica reads in a group of its own (${groupPrefix}.<host>.<random>) from the end of the topic, commits nothing and parks nothing: a message that cannot be read is dropped.`,
        bindings: { kafka: { groupId: { type: 'string', pattern: `^${escapeRegExp(groupPrefix)}\\.` }, bindingVersion: KAFKA_BINDING } },
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: `Petalpost ${service} on Kafka`,
      version: DOCUMENT_VERSION,
      description: [
        `What the ${service} service produces and reads on Kafka. Generated from libs/contracts by \`npm run contracts:docs\`; a test fails when this document and the schemas disagree.`,
        '',
        'With `KAFKA_NAMESPACE=x`, every topic and consumer group is prefixed `x.`. Payloads are JSON; each event and command type carries its schema version in the `schema-version` header and in the value, and consumers upcast older versions.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '{brokers}',
        protocol: 'kafka',
        description: 'The Kafka cluster every service uses (KAFKA_BROKERS).',
        variables: {
          brokers: {
            default: 'localhost:9092',
            description: '`host:port` of a broker. `npm start` runs a single-node broker on localhost:9092 (KAFKA_PORT) unless KAFKA_BROKERS names a cluster.',
          },
        },
      },
    },
    channels,
    operations,
    components: componentsOf(messages),
  };
}

/**
 * The messages with what their payloads share written once under `schemas`: the envelope parts,
 * the value objects of libs/contracts, the uuid and date-time strings, and the headers of events
 * and commands.
 */
function componentsOf(messages: Record<string, Message>): AsyncApiDocument['components'] {
  const payloads = Object.fromEntries(Object.entries(messages).map(([id, message]) => [id, message.payload.schema]));
  const { schemas: shared, components } = shareSchemas(payloads, namedSchemas());
  const kinds = new Set(Object.values(messages).flatMap((message) => (message.headerKind ? [message.headerKind] : [])));
  const headers = Object.fromEntries([...kinds].sort().map((kind) => [HEADER_SCHEMAS[kind], envelopeHeaders(kind)]));
  return {
    schemas: { ...headers, ...components },
    messages: Object.fromEntries(
      Object.entries(messages).map(([id, { headerKind: _kind, ...message }]) => [id, { ...message, payload: { ...message.payload, schema: shared[id] } }]),
    ),
  };
}

const HEADER_SCHEMAS = { event: 'EventHeaders', command: 'CommandHeaders' } as const;

/**
 * The schemas of libs/contracts worth a name where they recur: its exported objects, enums and
 * unions (named without `Schema`), and the metadata of a command.
 */
function namedSchemas(): Record<string, Schema> {
  const exported = Object.entries(contracts).flatMap(([name, value]) =>
    name.endsWith('Schema') && value instanceof z.ZodType ? [[name.slice(0, -'Schema'.length), jsonSchemaOf(value)] as const] : [],
  );
  const named = Object.fromEntries(exported.filter(([, json]) => json.type === 'object' || 'enum' in json || 'oneOf' in json || 'anyOf' in json));
  return { ...named, CommandMetadata: jsonSchemaOf(OrderCommandMessageSchema.shape.metadata) };
}

/**
 * Changes when the shape of these documents changes; the contracts in them carry their own
 * versions (schema-version), and a newer version of a type is a new message here.
 */
const DOCUMENT_VERSION = '1.0.0';
const KAFKA_BINDING = '0.5.0';
/** The dialect the AsyncAPI 3.0 tooling validates; zod writes it as well as 2020-12. */
const JSON_SCHEMA_DRAFT_07 = 'application/schema+json;version=draft-07';

function topicKeys(): TopicKey[] {
  return Object.keys(TOPICS) as TopicKey[];
}

function producersOf(key: TopicKey): readonly ServiceName[] {
  return TOPICS[key].producedBy;
}

function topicKeyOf(name: string): TopicKey {
  const key = topicKeys().find((k) => TOPICS[k].name === name);
  if (!key) throw new Error(`${name} is not a topic of libs/contracts`);
  return key;
}

function topicDescription(key: TopicKey): string {
  const topic = TOPICS[key];
  return [
    `Key: ${topic.key}. ${topic.partitions} partitions, kept ${retention(topic.config['retention.ms'])}.`,
    `Produced by ${topic.producedBy.join(' and ')}; read by ${readersOf(topic.name).join(', ')}.`,
  ].join('\n');
}

function producerNote(key: TopicKey, service: ServiceName): string {
  const carried = TOPIC_MESSAGES[key];
  if (carried.kind === 'events') return `The relay of the ${service} log publishes each event once it committed, in commit order, keyed by ${TOPICS[key].key}.`;
  if (carried.kind === 'commands')
    return `Sent after the event or message that implies it committed; the command id is that event's id, so a command sent again is applied once.`;
  return `Published after each position the service keeps; a lost one is superseded by the next.`;
}

function readerNote(key: TopicKey): string {
  return [
    'Each message is handled once in effect: an inbox row per event id, in the transaction of its effects, then the offset.',
    ...(TOPIC_MESSAGES[key].kind === 'events' ? ['Event types the group does not know are skipped (producers may be newer).'] : []),
    "A message that fails after its retries, or is poison, is parked on the group's dead-letter topic.",
  ].join(' ');
}

/** The ids of the messages `service` sends on a topic: every type of an events topic, its own commands of a commands topic. */
function sentBy(key: TopicKey, service: ServiceName): string[] {
  const carried: TopicMessages = TOPIC_MESSAGES[key];
  if (carried.kind !== 'commands') return Object.keys(messagesOf(key, carried));
  return Object.entries(carried.contracts).flatMap(([type, versions]) =>
    carried.senders[type] === service ? Object.keys(versions).map((version) => messageId(type, Number(version))) : [],
  );
}

function messagesOf(key: TopicKey, carried: TopicMessages): Record<string, Message> {
  const topicKey = TOPICS[key].key;
  switch (carried.kind) {
    case 'events':
      return Object.fromEntries(carried.contracts.map((contract) => [messageId(contract.type, contract.version), eventMessage(contract, topicKey)]));
    case 'commands':
      return Object.fromEntries(
        Object.entries(carried.contracts).flatMap(([type, versions]) =>
          Object.entries(versions).map(([version, schema]) => [
            messageId(type, Number(version)),
            commandMessage(type, Number(version), envelopedPayload(carried.envelope, type, Number(version), schema), {
              key: topicKey,
              sender: carried.senders[type],
            }),
          ]),
        ),
      );
    case 'values':
      return {
        [carried.name]: {
          name: carried.name,
          title: carried.name,
          payload: payload(carried.schema),
          headers: positionHeaders(),
          bindings: { kafka: keyBinding(topicKey) },
        },
      };
  }
}

function messageId(type: string, version: number): string {
  return `${type}.v${version}`;
}

function eventMessage(contract: EventContract, key: string): Message {
  const older = Object.keys(contract.upcasters).map((v) => `v${v}`);
  return {
    name: contract.type,
    title: `${contract.type} v${contract.version}`,
    ...(older.length > 0 ? { description: `Older versions (${older.join(', ')}) are upcast to v${contract.version} by consumers.` } : {}),
    headers: typedHeaders(HEADER_SCHEMAS.event, contract),
    headerKind: 'event',
    payload: envelopedPayload(IntegrationEventSchema, contract.type, contract.version, contract.schema),
    bindings: { kafka: keyBinding(key) },
  };
}

function commandMessage(type: string, version: number, payload: MultiFormatSchema, { key, sender }: { key: string; sender: ServiceName }): Message {
  return {
    name: type,
    title: `${type} v${version}`,
    description: `Sent by ${sender}.`,
    headers: typedHeaders(HEADER_SCHEMAS.command, { type, version }),
    headerKind: 'command',
    payload,
    bindings: { kafka: keyBinding(key) },
  };
}

function deadLetterMessage(): Message {
  return {
    name: 'DeadLetter',
    title: 'A message parked after it failed',
    description:
      'The original key, value and headers, byte for byte, with why and where it failed in the `dlq-` headers: enough to inspect it and to replay it.',
    headers: deadLetterHeaders(),
    payload: {
      schemaFormat: JSON_SCHEMA_DRAFT_07,
      schema: { description: 'The original value, unchanged: usually one of the messages of the original topic, but poison (not JSON at all) is parked too.' },
    },
    bindings: { kafka: keyBinding('the original key') },
  };
}

function payload(schema: z.ZodType): MultiFormatSchema {
  return { schemaFormat: JSON_SCHEMA_DRAFT_07, schema: jsonSchemaOf(schema) };
}

/**
 * The value of one type at one version: its envelope (written once, see componentsOf) and what the
 * type makes of it. Both hold, which is `envelope.extend(...)` as long as the envelope leaves other
 * properties open.
 */
function envelopedPayload(envelope: z.ZodObject, type: string, version: number, data: z.ZodType): MultiFormatSchema {
  const whole = jsonSchemaOf(envelope);
  if ('additionalProperties' in whole) throw new Error(`the envelope of ${type} is closed: its type cannot add to it`);
  const own = jsonSchemaOf(z.object({ type: z.literal(type), schemaVersion: z.literal(version), data }));
  return { schemaFormat: JSON_SCHEMA_DRAFT_07, schema: { allOf: [whole, own] } };
}

function jsonSchemaOf(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Schema;
  return json;
}

function keyBinding(description: string) {
  return { key: { type: 'string', description }, bindingVersion: KAFKA_BINDING };
}

function topicBinding(topic: { name: string; partitions: number; config: Record<string, string> }) {
  return {
    topic: topic.name,
    partitions: topic.partitions,
    topicConfiguration: { 'cleanup.policy': [topic.config['cleanup.policy']], 'retention.ms': Number(topic.config['retention.ms']) },
    bindingVersion: KAFKA_BINDING,
  };
}

function pascal(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Ref = { $ref: string };
interface MultiFormatSchema {
  schemaFormat: string;
  schema: Schema;
}
interface Message {
  name: string;
  title: string;
  description?: string;
  headers: Schema;
  payload: MultiFormatSchema;
  bindings: { kafka: ReturnType<typeof keyBinding> };
  /** Whose shared headers it carries; the document names them once. */
  headerKind?: 'event' | 'command';
}
interface Channel {
  address: string;
  title: string;
  description: string;
  messages: Record<string, Ref>;
  bindings: { kafka: ReturnType<typeof topicBinding> };
}
interface Operation {
  action: 'send' | 'receive';
  channel: Ref;
  summary: string;
  description?: string;
  messages?: Ref[];
  bindings?: { kafka: { groupId: Schema; bindingVersion: string } };
}
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  servers: Record<string, unknown>;
  channels: Record<string, Channel>;
  operations: Record<string, Operation>;
  components: { schemas: Record<string, Schema>; messages: Record<string, Omit<Message, 'headerKind'>> };
}
