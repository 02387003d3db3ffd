/** A frame of the notifications stream, as far as the apps read it (docs/notifications.md). */
export type Frame =
  | { type: 'welcome'; cursor: string; audiences: string[] }
  | {
      type: 'notification';
      cursor: string;
      audience: string;
      seq: number;
      eventId: string;
      eventType: string;
      critical?: boolean;
      alert?: boolean;
      resent?: boolean;
      data?: { orderId?: string; [key: string]: unknown };
      occurredAt?: string;
    }
  | { type: 'reset'; audience: string; reason: string; cursor: string }
  | { type: 'position'; riderId: string; lat: number; lng: number; recordedAt: string }
  | { type: 'renewed' | 'expired' | 'acked' | 'error'; [key: string]: unknown };

export type Notification = Extract<Frame, { type: 'notification' }>;
export type Position = Extract<Frame, { type: 'position' }>;
export type StreamState = 'connecting' | 'live' | 'offline';

export interface StreamListener {
  notification?(n: Notification): void;
  position?(p: Position): void;
  /** The stream cannot tell what was missed (retention, a foreign cursor): reload what is shown. */
  reset?(): void;
  state?(s: StreamState): void;
}

export interface StreamOptions {
  /** Where the stream is, e.g. ws://host/ws. */
  url: string;
  /** A fresh access token; undefined when signed out. */
  token: () => Promise<string | undefined>;
  /** Where the cursor survives a reload (per person, role and shop). */
  cursorKey: string;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

const RENEW_EVERY_MS = 4 * 60_000;
const QUIET_BEFORE_RECONNECT_MS = 45_000;

/**
 * One WebSocket to the notifications service that outlives sleep and lost networks: it resumes
 * from the last cursor it was given, so the server sends exactly what was missed, and it drops a
 * frame whose number it has already seen (a re-sent critical one, or an overlap on reconnect), so
 * nothing shows twice. The inbox guarantees order and completeness; this keeps the place.
 */
export class LiveStream {
  private socket?: WebSocket;
  private readonly seen = new Map<string, number>();
  private readonly listeners = new Set<StreamListener>();
  private retryMs = 1000;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private renewTimer?: ReturnType<typeof setInterval>;
  private lastFrameAt = 0;
  private closed = false;
  state: StreamState = 'connecting';

  constructor(private readonly options: StreamOptions) {}

  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.closed = false;
    void this.connect();
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.renewTimer);
    this.socket?.close(1000);
    this.socket = undefined;
  }

  /** Reconnects now if the connection may have died quietly (after sleep, or when the network returns). */
  wake(): void {
    if (this.closed) return;
    if (this.state !== 'live' || Date.now() - this.lastFrameAt > QUIET_BEFORE_RECONNECT_MS) this.reconnectNow();
  }

  /**
   * The device has lost its network: drop the socket now rather than trust it. A socket whose
   * network is gone stays open and silent for minutes, and the header would say live all along.
   * Retries wait for `wake` (the network back) or the next back-off.
   */
  offline(): void {
    if (this.closed) return;
    clearInterval(this.renewTimer);
    const old = this.socket;
    this.socket = undefined;
    old?.close(1000);
    this.retryLater();
  }

  /**
   * Follows the device: reconnects when the network returns or the app is shown again, and drops
   * the socket when the network goes. Returns the function that stops following.
   */
  followDevice(): () => void {
    const wake = () => this.wake();
    const lost = () => this.offline();
    const visible = () => document.visibilityState === 'visible' && this.wake();
    window.addEventListener('online', wake);
    window.addEventListener('offline', lost);
    document.addEventListener('visibilitychange', visible);
    return () => {
      window.removeEventListener('online', wake);
      window.removeEventListener('offline', lost);
      document.removeEventListener('visibilitychange', visible);
    };
  }

  /** Acknowledges everything up to `seq` in `audience` (critical notifications stop being re-sent). */
  ack(audience: string, seq: number): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'ack', audience, seq }));
  }

  private get storage() {
    return this.options.storage ?? sessionStorage;
  }

  private reconnectNow(): void {
    clearTimeout(this.retryTimer);
    const old = this.socket;
    this.socket = undefined;
    old?.close(1000);
    this.retryMs = 1000;
    void this.connect();
  }

  private setState(state: StreamState): void {
    if (this.state === state) return;
    this.state = state;
    this.listeners.forEach((l) => l.state?.(state));
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.setState('connecting');
    let token: string | undefined;
    try {
      token = await this.options.token();
    } catch {
      token = undefined;
    }
    if (!token || this.closed) return this.retryLater();
    const cursor = this.storage.getItem(this.options.cursorKey);
    const socket = new WebSocket(cursor ? `${this.options.url}?cursor=${encodeURIComponent(cursor)}` : this.options.url);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token }));
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      this.lastFrameAt = Date.now();
      this.receive(JSON.parse(String(message.data)) as Frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearInterval(this.renewTimer);
      this.retryLater();
    };
  }

  private retryLater(): void {
    if (this.closed) return;
    this.setState('offline');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 15_000);
  }

  private receive(frame: Frame): void {
    switch (frame.type) {
      case 'welcome':
        this.retryMs = 1000;
        this.keepCursor(frame.cursor);
        this.setState('live');
        clearInterval(this.renewTimer);
        // Renew on the connection well before the 15-minute token ends, rather than reconnecting.
        this.renewTimer = setInterval(() => void this.renew(), RENEW_EVERY_MS);
        return;
      case 'notification': {
        const last = this.seen.get(frame.audience) ?? 0;
        this.keepCursor(frame.cursor);
        if (frame.seq <= last) return;
        this.seen.set(frame.audience, frame.seq);
        this.listeners.forEach((l) => l.notification?.(frame));
        return;
      }
      case 'reset':
        this.keepCursor(frame.cursor);
        this.seen.delete(frame.audience);
        this.listeners.forEach((l) => l.reset?.());
        return;
      case 'position':
        this.listeners.forEach((l) => l.position?.(frame));
        return;
      default:
        return;
    }
  }

  private keepCursor(cursor: string): void {
    this.storage.setItem(this.options.cursorKey, cursor);
  }

  private async renew(): Promise<void> {
    const token = await this.options.token().catch(() => undefined);
    if (token && this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'auth', token }));
  }
}
