import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Actor } from '@petalpost/contracts';
import { type CommandResult, type Decider, EventStore, foldEvents, handleCommand, type NewEvent } from '@petalpost/event-store';
import { currentContext } from '@petalpost/platform';

export interface DispatchCommandRequest<State> {
  actor?: Actor;
  /** Already scoped to the caller, so two callers choosing the same key never collide. */
  idempotency?: { key: string; fingerprint: string };
  /** Refuses callers who may not act on this stream (404). */
  authorize?(state: State): void;
  /** The message that caused this command, when it came over Kafka. */
  causationId?: string;
  correlationId?: string;
}

/**
 * The one way a command reaches dispatch's log — a rider's profile, a delivery's decisions, a
 * shop's plans — from HTTP, from consumers and from the planner alike.
 */
@Injectable()
export class DispatchCommands {
  constructor(private readonly store: EventStore) {}

  execute<Command extends { now: string }, Event extends NewEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    request: DispatchCommandRequest<State> = {},
  ): Promise<CommandResult<State>> {
    const context = currentContext();
    return handleCommand(this.store, decider, {
      streamId,
      command,
      metadata: {
        correlationId: request.correlationId ?? context?.correlationId ?? randomUUID(),
        causationId: request.causationId ?? context?.causationId,
        traceparent: context?.traceparent,
        ...(request.actor ? { actor: request.actor } : {}),
        occurredAt: command.now,
      },
      idempotency: request.idempotency,
      authorize: request.authorize,
    });
  }

  async state<State>(decider: Pick<Decider<unknown, NewEvent, State>, 'evolve' | 'initialState'>, streamId: string): Promise<State> {
    return foldEvents(decider, await this.store.readStream(streamId));
  }
}
