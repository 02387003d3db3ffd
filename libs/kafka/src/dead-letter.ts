import type { OutgoingMessage } from './event-publisher';
import { DEAD_LETTER_HEADERS } from './headers';

/** Kafka headers are small by convention: an error message is cut, its class and origin are enough to search by. */
export const MAX_DEAD_LETTER_ERROR_LENGTH = 1_000;

/** What a dead letter is made of: a kafkajs KafkaMessage is one, and so is a message any client fetched. */
export interface FailedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | Buffer | (string | Buffer)[] | undefined>;
  offset: string;
}

/** The original key, value and headers, plus why and where it failed: enough to inspect and to replay it. */
export function deadLetterOf(source: { topic: string; partition: number; message: FailedMessage }, error: unknown, failedAt: Date): OutgoingMessage {
  const { topic, partition, message } = source;
  const headers: NonNullable<OutgoingMessage['headers']> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = value;
  }
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...headers,
      [DEAD_LETTER_HEADERS.error]: errorMessage(error).slice(0, MAX_DEAD_LETTER_ERROR_LENGTH),
      [DEAD_LETTER_HEADERS.errorClass]: errorClass(error),
      [DEAD_LETTER_HEADERS.originalTopic]: topic,
      [DEAD_LETTER_HEADERS.originalPartition]: String(partition),
      [DEAD_LETTER_HEADERS.originalOffset]: message.offset,
      [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
    },
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorClass(error: unknown): string {
  if (error instanceof Error) return error.name !== 'Error' ? error.name : error.constructor.name;
  return typeof error;
}
