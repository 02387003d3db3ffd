import { Body, Controller, type DynamicModule, Get, Module, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { CONSUMER_GROUPS, deadLetterTopic, DomainError, namespaced, serviceOfGroup } from '@petalpost/contracts';
import { ApiErrors, createZodDto, EmptyBody, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventPublisher } from './event-publisher';
import { DEAD_LETTER_HEADERS, HEADERS, readHeaders } from './headers';
import { KAFKA } from './kafka.module';
import { type PartitionRange, readRanges } from './topic-reader';

/** Enough of a value to recognise the message; the whole of it stays on the topic. */
export const MAX_DEAD_LETTER_VALUE_CHARS = 4_000;

/** A consumer group of the service and the topic it parks what it cannot process on. */
export interface DeadLetterSource {
  group: string;
  topic: string;
}

/** The dead-letter topics of a service's consumer groups (CONSUMER_GROUPS), under its namespace. */
export function deadLetterSourcesOf(service: string, namespace: string): DeadLetterSource[] {
  return Object.values(CONSUMER_GROUPS)
    .filter(({ group }) => serviceOfGroup(group) === service)
    .map(({ group }) => {
      const groupId = namespaced(group, namespace);
      return { group: groupId, topic: deadLetterTopic(groupId).name };
    });
}

const OriginSchema = z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() });

const DeadLetterSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string().describe('A Kafka offset, as a decimal string'),
  key: z.string().nullable(),
  value: z.string().nullable().describe(`The message as text, cut at ${MAX_DEAD_LETTER_VALUE_CHARS} characters`),
  valueTruncated: z.boolean(),
  eventType: z.string().nullable().describe('The `event-type` header, when the message carried one'),
  eventId: z.string().nullable(),
  error: z.string().nullable().describe('Why the consumer gave up, as it recorded it'),
  errorClass: z.string().nullable(),
  failedAt: z.string().nullable(),
  original: OriginSchema.nullable().describe('Where the message was read from when it failed: a replay publishes it there'),
  replayedAt: z.string().nullable().describe('When an operator replayed it; null if nobody has'),
});

class DeadLetterTopicList extends createZodDto(
  z.object({
    items: z.array(
      z.object({
        topic: z.string(),
        group: z.string().describe('The consumer group that parks its failures here'),
        count: z.number().int().describe('Messages the topic holds (its retention drops older ones)'),
        latest: z.array(DeadLetterSchema).describe('The latest of them, newest first'),
      }),
    ),
  }),
) {}

class DeadLettersQuery extends createZodDto(
  z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20).describe('How many of the latest messages per topic') }),
) {}

const ReplayAnswerSchema = z.object({
  outcome: z.enum(['replayed', 'already-replayed']).describe('`already-replayed`: this dead letter was replayed before, and nothing was published now'),
  deadLetter: OriginSchema,
  republishedTo: z.string().describe('The topic it was published to'),
  replayedAt: z.string(),
  replayedBy: z.string(),
});

class ReplayAnswer extends createZodDto(ReplayAnswerSchema) {}

type DeadLetterView = z.infer<typeof DeadLetterSchema>;
type Replay = z.infer<typeof ReplayAnswerSchema>;

interface ReplayRow {
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  original_topic: string;
  replayed_by: string;
  replayed_at: Date;
}

/** The service's dead letters: listed from its dead-letter topics, replayed once each onto the topic they came from. */
export class ServiceDeadLetters {
  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly sources: readonly DeadLetterSource[],
  ) {}

  async list(limit: number): Promise<{ items: Array<DeadLetterSource & { count: number; latest: DeadLetterView[] }> }> {
    const watermarks = await this.watermarks(this.sources.map((s) => s.topic));
    const ranges: PartitionRange[] = [];
    for (const [topic, partitions] of watermarks) {
      for (const { partition, low, high } of partitions) {
        const from = high - BigInt(limit) > low ? high - BigInt(limit) : low;
        ranges.push({ topic, partition, from, to: high });
      }
    }
    const read = await readRanges(this.kafka, ranges, { groupPrefix: `${this.sources[0]?.group ?? 'petalpost'}.dead-letter-reader` });
    const replays = await this.replaysOf(this.sources.map((s) => s.topic));
    return {
      items: this.sources.map((source) => {
        const partitions = watermarks.get(source.topic) ?? [];
        const latest = read
          .filter((m) => m.topic === source.topic)
          .map(({ topic, partition, message }) => viewOf(topic, partition, message, replays.get(replayKey(topic, partition, message.offset))))
          .sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? '') || Number(BigInt(b.offset) - BigInt(a.offset)))
          .slice(0, limit);
        return { ...source, count: Number(partitions.reduce((sum, p) => sum + (p.high - p.low), 0n)), latest };
      }),
    };
  }

  /**
   * Publishes the dead letter at (topic, partition, offset) to its original topic with its key,
   * value and original headers, once: the replay is recorded in the service's database in the same
   * transaction that waits for the broker's ack, so a second request (or a concurrent one) publishes nothing.
   */
  async replay(topic: string, partitionText: string, offsetText: string, replayedBy: string): Promise<Replay> {
    const source = this.sources.find((s) => s.topic === topic);
    if (!source) throw new DomainError('not_found', 'DEAD_LETTER_TOPIC_NOT_FOUND', `${topic} is no dead-letter topic of this service`);
    if (!/^\d{1,10}$/.test(partitionText)) throw new DomainError('invalid', 'INVALID_PARTITION', `partition must be a whole number, not ${partitionText}`);
    if (!/^\d{1,19}$/.test(offsetText)) throw new DomainError('invalid', 'INVALID_OFFSET', `offset must be a whole number, not ${offsetText}`);
    const partition = Number(partitionText);
    const offset = BigInt(offsetText);
    const deadLetter = { topic, partition, offset: offset.toString() };

    const earlier = (await this.replaysOf([topic])).get(replayKey(topic, partition, deadLetter.offset));
    if (earlier) return alreadyReplayed(deadLetter, earlier);

    const message = await this.readOne(topic, partition, offset);
    const headers = readHeaders(message);
    const originalTopic = headers[DEAD_LETTER_HEADERS.originalTopic];
    if (!originalTopic) {
      throw new DomainError(
        'conflict',
        'DEAD_LETTER_WITHOUT_ORIGIN',
        `the message at ${topic}/${partition}/${offset} names no original topic (${DEAD_LETTER_HEADERS.originalTopic})`,
      );
    }
    // The row's transaction stays open until the broker acked: rare and short, and a failed send leaves no row.
    return this.dataSource.transaction(async (db) => {
      const [claimed] = (await db.query(
        `INSERT INTO dead_letter_replays (topic, kafka_partition, kafka_offset, original_topic, replayed_by)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING *`,
        [topic, partition, deadLetter.offset, originalTopic, replayedBy],
      )) as ReplayRow[];
      if (!claimed) {
        // Another request replayed it since we looked; its row is committed (the insert waited for it).
        const [row] = (await db.query(`SELECT * FROM dead_letter_replays WHERE topic = $1 AND kafka_partition = $2 AND kafka_offset = $3`, [
          topic,
          partition,
          deadLetter.offset,
        ])) as ReplayRow[];
        return alreadyReplayed(deadLetter, row);
      }
      const publisher = new EventPublisher(this.kafka);
      await publisher.connect();
      try {
        await publisher.send(originalTopic, [{ key: message.key, value: message.value, headers: originalHeaders(message.headers) }]);
      } finally {
        await publisher.disconnect();
      }
      return { outcome: 'replayed' as const, deadLetter, republishedTo: originalTopic, replayedAt: claimed.replayed_at.toISOString(), replayedBy };
    });
  }

  private async readOne(topic: string, partition: number, offset: bigint): Promise<KafkaMessage> {
    const partitions = (await this.watermarks([topic])).get(topic) ?? [];
    const held = partitions.find((p) => p.partition === partition);
    const notFound = () => new DomainError('not_found', 'DEAD_LETTER_NOT_FOUND', `${topic} holds no message at partition ${partition}, offset ${offset}`);
    if (!held || offset < held.low || offset >= held.high) throw notFound();
    const [read] = await readRanges(this.kafka, [{ topic, partition, from: offset, to: offset + 1n }], { groupPrefix: `${topic}.reader` });
    if (!read) throw notFound();
    return read.message;
  }

  /** Per topic that exists, each partition's oldest offset held and next offset. */
  private async watermarks(topics: string[]): Promise<Map<string, Array<{ partition: number; low: bigint; high: bigint }>>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const result = new Map<string, Array<{ partition: number; low: bigint; high: bigint }>>();
      for (const topic of topics.filter((t) => existing.has(t))) {
        const offsets = await admin.fetchTopicOffsets(topic);
        result.set(
          topic,
          offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })),
        );
      }
      return result;
    } finally {
      await admin.disconnect();
    }
  }

  private async replaysOf(topics: string[]): Promise<Map<string, ReplayRow>> {
    const rows = (await this.dataSource.query(`SELECT * FROM dead_letter_replays WHERE topic = ANY($1)`, [topics])) as ReplayRow[];
    return new Map(rows.map((row) => [replayKey(row.topic, row.kafka_partition, String(row.kafka_offset)), row]));
  }
}

const replayKey = (topic: string, partition: number, offset: string) => `${topic}:${partition}:${offset}`;

function alreadyReplayed(deadLetter: Replay['deadLetter'], row: ReplayRow): Replay {
  return { outcome: 'already-replayed', deadLetter, republishedTo: row.original_topic, replayedAt: row.replayed_at.toISOString(), replayedBy: row.replayed_by };
}

function viewOf(topic: string, partition: number, message: KafkaMessage, replay: ReplayRow | undefined): DeadLetterView {
  const headers = readHeaders(message);
  const text = message.value?.toString('utf8') ?? null;
  const originalPartition = headers[DEAD_LETTER_HEADERS.originalPartition];
  const originalOffset = headers[DEAD_LETTER_HEADERS.originalOffset];
  const originalTopic = headers[DEAD_LETTER_HEADERS.originalTopic];
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    value: text === null ? null : text.slice(0, MAX_DEAD_LETTER_VALUE_CHARS),
    valueTruncated: text !== null && text.length > MAX_DEAD_LETTER_VALUE_CHARS,
    eventType: headers[HEADERS.eventType] ?? null,
    eventId: headers[HEADERS.eventId] ?? null,
    error: headers[DEAD_LETTER_HEADERS.error] ?? null,
    errorClass: headers[DEAD_LETTER_HEADERS.errorClass] ?? null,
    failedAt: headers[DEAD_LETTER_HEADERS.failedAt] ?? null,
    original:
      originalTopic && originalPartition && originalOffset ? { topic: originalTopic, partition: Number(originalPartition), offset: originalOffset } : null,
    replayedAt: replay?.replayed_at.toISOString() ?? null,
  };
}

/** The headers the message had before it was parked: a replay must not look like a dead letter. */
function originalHeaders(headers: IHeaders | undefined): Record<string, string | Buffer | (string | Buffer)[]> {
  const parked = new Set<string>(Object.values(DEAD_LETTER_HEADERS));
  const kept: Record<string, string | Buffer | (string | Buffer)[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && !parked.has(name)) kept[name] = value;
  }
  return kept;
}

/** Operators read what a service's consumers parked and replay one message at a time. */
@ApiTags('admin')
@ApiErrors(400, 401, 403, 404)
@Roles('operator')
@Controller('admin/dead-letters')
export class KafkaDeadLettersController {
  constructor(private readonly deadLetters: ServiceDeadLetters) {}

  @Get()
  @ApiOperation({ summary: "The service's dead-letter topics: how many messages each holds and the latest, with the error each failed with" })
  @ZodResponse({ status: 200, type: DeadLetterTopicList })
  list(@Query() query: DeadLettersQuery) {
    return this.deadLetters.list(query.limit);
  }

  @Post(':topic/:partition/:offset/replay')
  @ApiOperation({ summary: 'Publish one dead letter again to the topic it came from; a dead letter is replayed at most once' })
  @ApiErrors(409)
  @ZodResponse({ status: 200, type: ReplayAnswer })
  replay(
    @Param('topic') topic: string,
    @Param('partition') partition: string,
    @Param('offset') offset: string,
    @Body() _body: EmptyBody,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.deadLetters.replay(topic, partition, offset, principal.sub);
  }
}

/**
 * The operators' dead-letter API of a service (`GET /admin/dead-letters`,
 * `POST /admin/dead-letters/{topic}/{partition}/{offset}/replay`) over the dead-letter topics of
 * its own consumer groups. serviceFoundation mounts it in every service that has consumer groups.
 */
@Module({})
export class DeadLettersAdminModule {
  static forService(service: string): DynamicModule {
    return {
      module: DeadLettersAdminModule,
      controllers: [KafkaDeadLettersController],
      providers: [
        {
          provide: ServiceDeadLetters,
          inject: [KAFKA, DataSource, SERVICE_CONFIG],
          useFactory: (kafka: Kafka, dataSource: DataSource, config: ServiceConfig) =>
            new ServiceDeadLetters(kafka, dataSource, deadLetterSourcesOf(service, config.KAFKA_NAMESPACE)),
        },
      ],
    };
  }
}
