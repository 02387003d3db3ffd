import {
  CONSUMER_GROUPS,
  deadLetterTopic,
  DISPATCH_EVENT_CONTRACTS,
  EventMetadataSchema,
  type EventContract,
  IntegrationEventSchema,
  EXCEPTION_EVENT_CONTRACTS,
  MESSAGING_COMMAND_CONTRACTS,
  MESSAGING_COMMAND_SENDERS,
  MESSAGING_EVENT_CONTRACTS,
  MessagingCommandMessageSchema,
  ORDER_COMMAND_CONTRACTS,
  ORDER_COMMAND_SENDERS,
  ORDER_EVENT_CONTRACTS,
  OrderCommandMessageSchema,
  RiderPositionSchema,
  SERVICE_NAMES,
  TOPICS,
} from '@petalpost/contracts';
import { z } from 'zod';
import { asyncApiPath } from './asyncapi';
import { deadLetterHeaders, envelopeHeaders, type Schema } from './headers';
import { readersOf, retention } from './topic-text';

/**
 * docs/contracts.md, written from the schemas in libs/contracts: the one source of each
 * event's and command's TypeScript type, its runtime validation and this page.
 */
export function renderContractsDoc(): string {
  const lines = [
    '# Contracts',
    '',
    'Generated from `libs/contracts` by `npm run contracts:docs`; a test fails when this page and the',
    'schemas disagree. Every message on a topic is validated against these schemas at the edges.',
    '',
    '## Topics',
    '',
    '| topic | key | partitions | retention | produced by | read by (consumer group) |',
    '|---|---|---:|---|---|---|',
    ...Object.values(TOPICS).map(
      (t) =>
        `| \`${t.name}\` | ${t.key} | ${t.partitions} | ${retention(t.config['retention.ms'])} | ${t.producedBy.join(', ')} | ${readersOf(t.name).join(', ')} |`,
    ),
    '',
    'Every consumer group parks what it cannot process (a message that failed after its retries, or poison) on',
    `its own dead-letter topic, keyed by the original key and kept ${retention(deadLetterTopic('').config['retention.ms'])}:`,
    Object.values(CONSUMER_GROUPS)
      .map(({ group }) => `\`${deadLetterTopic(group).name}\``)
      .join(', ') + '.',
    '',
    '## AsyncAPI documents',
    '',
    'Each service has an AsyncAPI 3.0 document of what it produces and reads, generated with this page:',
    '',
    '| service | document |',
    '|---|---|',
    ...SERVICE_NAMES.map((service) => `| ${service} | [${asyncApiPath(service)}](${asyncApiPath(service).replace('docs/', '')}) |`),
    '',
    'A channel per topic with its Kafka binding (partitions, retention), a message per type and schema',
    'version with its payload, key and headers, a `send` operation per topic the service produces, a',
    '`receive` operation per consumer group and topic (the group id in its Kafka binding), and the',
    'dead-letter topic of each group. Payloads are JSON Schema draft-07 (`schemaFormat:',
    'application/schema+json;version=draft-07`): the dialect AsyncAPI 3.0 validates, and zod writes the',
    'schemas in it as well as in 2020-12. The tests parse every document with the AsyncAPI parser (no',
    'errors, no warnings) and check that messages built the way the relays and consumer hosts build them',
    'match it. To read one, open it in AsyncAPI Studio; to generate types or models from it, use the',
    'AsyncAPI generator or Modelina.',
    '',
    '## Headers',
    '',
    'Every event and command repeats in its headers what consumers route, dedupe and log by (names in',
    '`libs/kafka/src/headers.ts`):',
    '',
    ...headerTable(envelopeHeaders('event'), envelopeHeaders('command')),
    '',
    'A parked message keeps its key, value and headers, and gains these:',
    '',
    ...headerTable(deadLetterHeaders()),
    '',
    '## The envelope of every `*.events` message',
    '',
    ...fieldTable(IntegrationEventSchema.omit({ data: true, metadata: true })),
    '',
    '`metadata`:',
    '',
    ...fieldTable(EventMetadataSchema),
    '',
    '## Order events (`orders.events`)',
    '',
    ...ORDER_EVENT_CONTRACTS.flatMap((contract) => eventSection(contract)),
    '## Conversation events (`messaging.events`)',
    '',
    'Keyed by order id. Every event carries `orderId` and `shopId`; messages carry their `channel`.',
    '',
    ...MESSAGING_EVENT_CONTRACTS.flatMap((contract) => eventSection(contract)),
    '## Exception report events (`messaging.events`)',
    '',
    'Keyed by order id; one stream per report (`exception-<id>`).',
    '',
    ...EXCEPTION_EVENT_CONTRACTS.flatMap((contract) => eventSection(contract)),
    '## Dispatch events (`dispatch.events`)',
    '',
    "Keyed by rider id (a rider's profile and availability), by order id (assignment decisions, ETAs,",
    "risks) or by shop id (plans and the shop's dispatch settings). `AssignmentRequested` and",
    '`UnassignmentRequested` also go to `orders.commands` as `AssignRider` and `UnassignRider`.',
    '',
    ...DISPATCH_EVENT_CONTRACTS.flatMap((contract) => eventSection(contract)),
    '## Rider positions (`riders.locations`)',
    '',
    'Keyed by rider id; published by dispatch for each position it keeps (docs/dispatch.md). Not an',
    'event envelope: positions are ephemeral, and readers ignore fields they do not know.',
    '',
    ...fieldTable(RiderPositionSchema),
    '',
    '## Order commands (`orders.commands`)',
    '',
    'The envelope:',
    '',
    ...fieldTable(OrderCommandMessageSchema.omit({ data: true })),
    '',
    ...commandSections(ORDER_COMMAND_CONTRACTS, ORDER_COMMAND_SENDERS),
    '## Messaging commands (`messaging.commands`)',
    '',
    'Keyed by order id. `PostCustomerMessage` comes from the tracking page (notifications): posted in the',
    "order's customer channel as its customer; the command id becomes the message id. The envelope:",
    '',
    ...fieldTable(MessagingCommandMessageSchema.omit({ data: true })),
    '',
    ...commandSections(MESSAGING_COMMAND_CONTRACTS, MESSAGING_COMMAND_SENDERS),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function commandSections(contracts: Record<string, Record<number, z.ZodType>>, senders: Record<string, string>): string[] {
  return Object.entries(contracts).flatMap(([type, versions]) =>
    Object.entries(versions).flatMap(([version, schema]) => [`### ${type} v${version}`, '', `Sent by ${senders[type]}.`, '', ...fieldTable(schema), '']),
  );
}

/** One row per header; with two schemas (events, commands), whether each requires it. */
function headerTable(...schemas: Schema[]): string[] {
  const [first, second] = schemas as Array<{ properties: Record<string, { description?: string }>; required: string[] }>;
  const need = (schema: typeof first, name: string) => (schema.required.includes(name) ? 'yes' : 'if any');
  return [
    second ? '| header | on events | on commands | meaning |' : '| header | meaning |',
    second ? '|---|---|---|---|' : '|---|---|',
    ...Object.entries(first.properties).map(([name, { description = '' }]) =>
      second ? `| \`${name}\` | ${need(first, name)} | ${need(second, name)} | ${description} |` : `| \`${name}\` | ${description} |`,
    ),
  ];
}

function eventSection(contract: EventContract): string[] {
  const older = Object.keys(contract.upcasters).map((v) => `v${v}`);
  return [
    `### ${contract.type} v${contract.version}`,
    '',
    ...(older.length > 0 ? [`Older versions (${older.join(', ')}) are upcast to v${contract.version} when read.`, ''] : []),
    ...fieldTable(contract.schema),
    '',
  ];
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  maxLength?: number;
  additionalProperties?: JsonSchema | boolean;
};

function fieldTable(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows = fields(json, '');
  if (rows.length === 0) return ['(no fields)'];
  return [
    '| field | type | required | description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.description} |`),
  ];
}

interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  description: string;
}

/** Each property, and the properties of objects inside it as dotted paths (array items as `[]`). */
function fields(schema: JsonSchema, prefix: string): FieldRow[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const row = { path, type: typeOf(property), required: required.has(name), description: (property.description ?? '').replace(/\|/g, '\\|') };
    const inner = objectInside(property);
    return [row, ...(inner ? fields(inner.schema, `${path}${inner.suffix}.`) : [])];
  });
}

function objectInside(schema: JsonSchema): { schema: JsonSchema; suffix: string } | undefined {
  if (schema.properties) return { schema, suffix: '' };
  if (schema.items?.properties) return { schema: schema.items, suffix: '[]' };
  const objects = (schema.anyOf ?? schema.oneOf ?? []).filter((s) => s.properties);
  // A union of object shapes (a discriminated union) is described by its type column alone.
  return objects.length === 1 ? { schema: objects[0], suffix: '' } : undefined;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.type === 'object' && schema.properties) {
    const tag = Object.entries(schema.properties).find(([, p]) => p.const !== undefined);
    return tag ? `object (${tag[0]} ${typeOf(tag[1])})` : 'object';
  }
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') return `map of ${typeOf(schema.additionalProperties)}`;
  const base = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  return schema.format ? `${base} (${schema.format})` : base;
}
