import { Client, type Notification } from 'pg';
import type { Logger } from 'pino';
import type { Processor, ProcessorRegistry, ProcessorStatus } from './processors';

type Handler = (payload: string) => void;

export interface PgListenerOptions {
  connectionString: string;
  /** Shown in pg_stat_activity, e.g. `petalpost-notifications-listen`. */
  applicationName: string;
  logger: Logger;
  registry: Pick<ProcessorRegistry, 'register'>;
  /** The first wait before reopening a lost connection; it doubles up to `maxReconnectMs`. */
  firstReconnectMs?: number;
  maxReconnectMs?: number;
}

/**
 * The process's one dedicated connection LISTENing to Postgres channels, shared by every part
 * that waits for a NOTIFY. NOTIFY is delivered at commit, in commit order, to every listener. A lost
 * connection is reopened (200 ms, doubling up to 5 s); notices sent meanwhile are lost, so
 * subscribers are told (`onResume`) to read what they may have missed. It opens only once a
 * channel has a subscriber, and only then counts for readiness.
 */
export class PgListener implements Processor {
  readonly name = 'postgres:listen';
  private readonly handlers = new Map<string, Handler[]>();
  private readonly resumeHandlers = new Set<() => void>();
  private readonly log: Logger;
  private client?: Client;
  private started = false;
  private stopped = false;
  private connects = 0;
  private lastNoticeAt?: Date;
  private lastError?: string;
  private reconnectTimer?: NodeJS.Timeout;
  private unregister?: () => void;

  constructor(private readonly options: PgListenerOptions) {
    this.log = options.logger.child({ processor: this.name });
  }

  /** True while the connection is open and listening to every subscribed channel. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /**
   * Calls `handler` with the payload of every NOTIFY on `channel` (a name this process built, e.g.
   * from its schema: it is quoted, not escaped). Returns unsubscribe.
   */
  subscribe(channel: string, handler: Handler): () => void {
    const known = this.handlers.has(channel);
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    // Subscribed after the connection opened: listen on it now (a failure there reconnects, which listens to all).
    if (!known && this.client) this.client.query(`LISTEN "${channel}"`).catch((err: Error) => this.lost(this.client, err));
    return () => {
      const rest = (this.handlers.get(channel) ?? []).filter((h) => h !== handler);
      if (rest.length > 0) this.handlers.set(channel, rest);
      else this.handlers.delete(channel);
    };
  }

  /** Called after the connection was reopened: notices sent while it was down are lost. */
  onResume(handler: () => void): () => void {
    this.resumeHandlers.add(handler);
    return () => this.resumeHandlers.delete(handler);
  }

  /** Opens the connection if any channel has a subscriber; rejects when that first attempt fails. */
  async start(): Promise<void> {
    if (this.started || this.handlers.size === 0) return;
    this.started = true;
    this.unregister = this.options.registry.register(this);
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.unregister?.();
    if (client) {
      await client.end().catch(() => undefined);
      this.log.info('stopped listening');
    }
  }

  /** Nest opens it once every provider has subscribed (in their constructors), and closes it last. */
  onModuleInit(): Promise<void> {
    return this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.listening,
      lastProgressAt: this.lastNoticeAt?.toISOString(),
      details: { channels: [...this.handlers.keys()], connects: this.connects, lastError: this.lastError },
    };
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: this.options.applicationName });
    client.on('notification', (notice: Notification) => this.dispatch(notice));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connects++;
    this.log.info({ channels: [...this.handlers.keys()] }, 'listening for notifications');
    if (this.connects > 1) for (const handler of this.resumeHandlers) this.call(handler, 'resume');
  }

  private dispatch(notice: Notification): void {
    this.lastNoticeAt = new Date();
    for (const handler of this.handlers.get(notice.channel) ?? []) this.call(() => handler(notice.payload ?? ''), notice.channel);
  }

  private call(handler: () => void, what: string): void {
    try {
      handler();
    } catch (err) {
      this.log.error({ err, channel: what }, 'notification subscriber failed');
    }
  }

  private lost(client: Client | undefined, err: Error): void {
    if (this.stopped || !client || client !== this.client) return;
    this.client = undefined;
    this.lastError = err.message;
    this.log.warn({ err }, 'lost the LISTEN connection; reconnecting');
    client.end().catch(() => undefined);
    this.reconnect(this.options.firstReconnectMs ?? 200);
  }

  private reconnect(delayMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((err: Error) => {
        this.lastError = err.message;
        this.log.warn({ err }, 'could not reopen the LISTEN connection');
        if (!this.stopped) this.reconnect(Math.min(delayMs * 2, this.options.maxReconnectMs ?? 5_000));
      });
    }, delayMs);
    this.reconnectTimer.unref();
  }
}
