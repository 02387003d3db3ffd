import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EventStore, ProjectionHost } from '@petalpost/event-store';
import { LOGGER, ProcessorRegistry } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { conversationInboxProjection } from './conversation-inbox/conversation-inbox.projection';

/** The read models of the conversations, kept up to date from the log while the service runs. */
@Injectable()
export class MessagingProjections implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly host: ProjectionHost;
  private unregister: Array<() => void> = [];

  constructor(dataSource: DataSource, store: EventStore, @Inject(LOGGER) logger: Logger, @Inject(ProcessorRegistry) private readonly registry: ProcessorRegistry) {
    this.host = new ProjectionHost(dataSource, store, [conversationInboxProjection], { logger, idleDelayMs: 25 });
  }

  onApplicationBootstrap(): void {
    this.unregister = this.host.processors().map((processor) => this.registry.register(processor));
    this.host.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
    for (const unregister of this.unregister) unregister();
  }
}
