import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LOGGER, type Processor, ProcessorRegistry, type ProcessorStatus, SERVICE_CONFIG } from '@petalpost/platform';
import { Client, type Notification } from 'pg';
import type { Logger } from 'pino';
import type { NotificationsConfig } from '../notifications.config';
import { INBOX_CHANNELS, type InboxChannels } from './channels';

type Handler = (payload: string) => void;

const RECONNECT_MS = { first: 200, max: 5_000 };

/**
 * The replica's one dedicated connection LISTENing to the inbox channels: how a replica learns of
 * entries written by whichever replica consumed the event. NOTIFY is delivered at commit, in commit
 * order, to every listener. A lost connection is reopened; listeners are told (`onResume`) so they
 * read what they may have missed meanwhile.
 */
@Injectable()
export class InboxListener implements Processor, OnModuleInit, OnApplicationShutdown {
  readonly name = 'inbox-listener';
  private readonly handlers = new Map<string, Handler[]>();
  private readonly resumeHandlers: Array<() => void> = [];
  private readonly log: Logger;
  private client?: Client;
  private listening = false;
  private stopped = false;
  private connects = 0;
  private lastNoticeAt?: Date;
  private lastError?: string;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationsConfig,
    @Inject(INBOX_CHANNELS) private readonly channels: InboxChannels,
    @Inject(LOGGER) logger: Logger,
    registry: ProcessorRegistry,
  ) {
    this.log = logger.child({ processor: this.name });
    registry.register(this);
  }

  on(channel: keyof InboxChannels, handler: Handler): void {
    const name = this.channels[channel];
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
  }

  /** Called after a reconnect: notices sent while the connection was down are lost. */
  onResume(handler: () => void): void {
    this.resumeHandlers.push(handler);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.listening = false;
    await this.client?.end().catch(() => undefined);
    this.log.info('stopped listening');
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.listening,
      lastProgressAt: this.lastNoticeAt?.toISOString(),
      details: { channels: Object.values(this.channels), connects: this.connects, lastError: this.lastError },
    };
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'petalpost-notifications-listen' });
    client.on('notification', (notice: Notification) => this.dispatch(notice));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      for (const channel of Object.values(this.channels)) await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    this.listening = true;
    this.connects++;
    this.log.info({ channels: Object.values(this.channels) }, 'listening for inbox notifications');
    if (this.connects > 1) for (const handler of this.resumeHandlers) handler();
  }

  private dispatch(notice: Notification): void {
    this.lastNoticeAt = new Date();
    for (const handler of this.handlers.get(notice.channel) ?? []) {
      try {
        handler(notice.payload ?? '');
      } catch (err) {
        this.log.error({ err, channel: notice.channel }, 'inbox notification handler failed');
      }
    }
  }

  private lost(client: Client, err: Error): void {
    if (this.stopped || client !== this.client) return;
    this.client = undefined;
    this.listening = false;
    this.lastError = err.message;
    this.log.warn({ err }, 'lost the LISTEN connection; reconnecting');
    client.end().catch(() => undefined);
    this.reconnect(RECONNECT_MS.first);
  }

  private reconnect(delayMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((err: Error) => {
        this.lastError = err.message;
        this.log.warn({ err }, 'could not reopen the LISTEN connection');
        if (!this.stopped) this.reconnect(Math.min(delayMs * 2, RECONNECT_MS.max));
      });
    }, delayMs);
    this.reconnectTimer.unref();
  }
}
