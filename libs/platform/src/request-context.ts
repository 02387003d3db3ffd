import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '@petalpost/contracts';

/** What flows from an HTTP request or a Kafka message into logs, events and headers. */
export interface RequestContext {
  correlationId: string;
  causationId?: string;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
