import { Inject, Injectable } from '@nestjs/common';
import { PgListener, type Processor, ProcessorRegistry, type ProcessorStatus } from '@petalpost/platform';
import { INBOX_CHANNELS, type InboxChannels } from '../notifications.channels';

/**
 * The inbox channels by their role, on the process's one LISTEN connection (PgListener, shared
 * with tracking and webhooks): how a replica learns of entries written by whichever replica
 * consumed the event. After a reconnect, `onResume` handlers read what they may have missed.
 */
@Injectable()
export class InboxListener implements Processor {
  readonly name = 'inbox-listener';

  constructor(
    private readonly listener: PgListener,
    @Inject(INBOX_CHANNELS) private readonly channels: InboxChannels,
    registry: ProcessorRegistry,
  ) {
    registry.register(this);
  }

  on(channel: keyof InboxChannels, handler: (payload: string) => void): void {
    this.listener.subscribe(this.channels[channel], handler);
  }

  /** Called after a reconnect: notices sent while the connection was down are lost. */
  onResume(handler: () => void): void {
    this.listener.onResume(handler);
  }

  status(): ProcessorStatus {
    return { name: this.name, ready: this.listener.listening, details: { channels: Object.values(this.channels) } };
  }
}
