import { createHash, randomUUID } from 'node:crypto';
import { type Actor, DomainError, type EventMetadata } from '@petalpost/contracts';
import { currentContext } from '@petalpost/platform';
import { type Decider, foldEvents } from './decider';
import { type EventStore, IdempotencyKeyTaken, StreamVersionConflict } from './event-store';
import type { NewEvent, StoredEvent } from './stored-event';
import type { EntityManager } from 'typeorm';

export interface CommandEnvelope<Command, State, Event extends NewEvent = NewEvent> {
  streamId: string;
  command: Command;
  metadata: EventMetadata;
  /** From If-Match: the version the caller saw. A stale one is refused (412). */
  expectedVersion?: number;
  /**
   * From Idempotency-Key: a retry returns the first result and appends nothing. The fingerprint
   * identifies the request (not the command, whose ids and time differ on every try).
   */
  idempotency?: { key: string; fingerprint: string };
  /** Refuses callers who may not act on this stream (e.g. another shop's order → 404). */
  authorize?(state: State): void;
  /**
   * The caller made up the stream id just now (a new UUID): skip reading a stream that cannot
   * exist yet. Should it exist after all, the append's version check says so and the next
   * attempt reads it.
   */
  freshStream?: boolean;
  /**
   * Other streams that must change with this one, all or nothing: e.g. the delivery slot an
   * order takes a place in. Each is locked (contenders take turns), read and decided inside
   * the transaction that appends this stream's events; a refusal there refuses the command.
   */
  linked?(decided: Event[], state: State): LinkedChange[];
  /**
   * Rows of the service's own that must commit with the events, all or nothing (an outbox row, a
   * credential kept out of the log). Runs inside the appending transaction, after the append.
   */
  alongside?(appended: StoredEvent[], manager: EntityManager): Promise<void>;
}

/** A command for another stream, decided by that stream's own rules. */
export interface LinkedChange {
  streamId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each linked stream has its own command, event and state types
  decider: Decider<any, NewEvent, any>;
  command: unknown;
}

export interface CommandResult<State> {
  streamId: string;
  version: number;
  state: State;
  /** Appended by this call; empty for an idempotent replay. */
  events: StoredEvent[];
  replayed: boolean;
}

/** Concurrent writers on one stream re-decide against the new state, a few times at most. */
const MAX_ATTEMPTS = 5;

/**
 * The one command handler: read the stream, fold it, decide, append with the version read.
 * Illegal transitions surface as the decider's DomainError (409 with the current state).
 */
export async function handleCommand<Command, Event extends NewEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  envelope: CommandEnvelope<Command, State, Event>,
): Promise<CommandResult<State>> {
  const { streamId, command, metadata, idempotency } = envelope;
  for (let attempt = 1; ; attempt++) {
    if (idempotency) {
      const earlier = await store.findIdempotentReplay(idempotency.key);
      if (earlier) return replay(store, decider, idempotency, earlier);
    }
    const history = envelope.freshStream && attempt === 1 ? [] : await store.readStream(streamId);
    const version = history.length;
    const state = foldEvents(decider, history);
    envelope.authorize?.(state);
    if (envelope.expectedVersion !== undefined && envelope.expectedVersion !== version) {
      throw new DomainError('precondition_failed', 'STALE_VERSION', `stream is at version ${version}, not ${envelope.expectedVersion}`, {
        currentVersion: version,
        state,
      });
    }
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { streamId, version, state, events: [], replayed: false };
    const linked = envelope.linked?.(decided, state) ?? [];
    try {
      const result =
        linked.length === 0 && !envelope.alongside
          ? await store.append(streamId, decider.streamType, version, decided, metadata, { idempotency })
          : await store.transaction(async (manager) => {
              // Always the same lock order, so two commands touching the same streams cannot deadlock.
              for (const change of [...linked].sort((a, b) => a.streamId.localeCompare(b.streamId))) {
                await applyLinked(store, change, metadata, manager);
              }
              const appended = await store.append(streamId, decider.streamType, version, decided, metadata, { idempotency }, manager);
              await envelope.alongside?.(appended.events, manager);
              return appended;
            });
      const newState = foldEvents(decider, result.events, state);
      return { streamId, version: result.version, state: newState, events: result.events, replayed: false };
    } catch (err) {
      if (err instanceof IdempotencyKeyTaken) continue; // a concurrent retry won: return its result
      if (!(err instanceof StreamVersionConflict)) throw err;
      // With If-Match the caller asked for exactly the version it saw: a lost race is a stale precondition.
      if (envelope.expectedVersion !== undefined) throw await currentStateError(store, decider, streamId, 'precondition_failed', 'STALE_VERSION');
      if (attempt >= MAX_ATTEMPTS) throw await currentStateError(store, decider, streamId, 'conflict', 'STREAM_VERSION_CONFLICT');
    }
  }
}

/** Who sent a command and what caused it; what is not given comes from the request or message being handled. */
export interface CommandCause {
  actor?: Actor;
  correlationId?: string;
  /** The message that caused the command, when it came over Kafka. */
  causationId?: string;
  traceparent?: string;
}

export type CommandOptions<Command, State, Event extends NewEvent = NewEvent> = CommandCause &
  Omit<CommandEnvelope<Command, State, Event>, 'streamId' | 'command' | 'metadata'>;

/** The metadata of a command's events: who, when, and the correlation, causation and trace they continue. */
export function commandMetadata(occurredAt: string, cause: CommandCause = {}): EventMetadata {
  const context = currentContext();
  return {
    correlationId: cause.correlationId ?? context?.correlationId ?? randomUUID(),
    causationId: cause.causationId ?? context?.causationId,
    traceparent: cause.traceparent ?? context?.traceparent,
    ...(cause.actor ? { actor: cause.actor } : {}),
    occurredAt,
  };
}

/**
 * Runs a command against a stream, from a route, a consumer or a timer alike: its events are
 * stamped with the command's time and cause (handleCommand does the rest).
 */
export function runCommand<Command extends { now: string }, Event extends NewEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  options: CommandOptions<Command, State, Event> = {},
): Promise<CommandResult<State>> {
  const { actor, correlationId, causationId, traceparent, ...envelope } = options;
  return handleCommand(store, decider, {
    ...envelope,
    streamId,
    command,
    metadata: commandMetadata(command.now, { actor, correlationId, causationId, traceparent }),
  });
}

/** A stream's state now: its events folded. */
export async function readState<State>(
  store: EventStore,
  decider: Pick<Decider<unknown, NewEvent, State>, 'evolve' | 'initialState'>,
  streamId: string,
): Promise<State> {
  return foldEvents(decider, await store.readStream(streamId));
}

async function applyLinked(store: EventStore, change: LinkedChange, metadata: EventMetadata, manager: EntityManager): Promise<void> {
  await store.lockStream(change.streamId, manager);
  const history = await store.readStream(change.streamId, {}, manager);
  const events = change.decider.decide(change.command, foldEvents(change.decider, history));
  if (events.length > 0) await store.append(change.streamId, change.decider.streamType, history.length, events, metadata, {}, manager);
}

/** A lost race, answered with what the stream is now, so the caller can decide again (409). */
async function currentStateError<Command, Event extends NewEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  kind: 'conflict' | 'precondition_failed',
  code: string,
) {
  const history = await store.readStream(streamId);
  const state = foldEvents(decider, history);
  return new DomainError(kind, code, `stream ${streamId} was changed concurrently; it is now at version ${history.length}`, {
    currentVersion: history.length,
    state,
  });
}

async function replay<Command, Event extends NewEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  idempotency: { key: string; fingerprint: string },
  earlier: { streamId: string; version: number; fingerprint: string },
): Promise<CommandResult<State>> {
  if (earlier.fingerprint !== idempotency.fingerprint) {
    throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', `idempotency key ${idempotency.key} was used for a different request`);
  }
  const history = (await store.readStream(earlier.streamId)).filter((e) => e.streamVersion <= earlier.version);
  const state = foldEvents(decider, history);
  return { streamId: earlier.streamId, version: earlier.version, state, events: [], replayed: true };
}

/** Identifies a request for idempotency: same caller, same route, same body. */
export function requestFingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
