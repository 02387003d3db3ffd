import { randomUUID } from 'node:crypto';
import type { Principal } from '@petalpost/auth';
import type { Audience } from '../domain/audiences';
import { encodeCursor } from '../domain/cursor';
import { DEFAULT_PREFERENCES, type Preferences, shouldAlert } from '../../preferences';
import type { InboxEntry } from '../inbox.store';
import type { Frame, NotificationFrame, Outlet, PositionFrame } from './frames';

export interface SessionOptions {
  /** Rider positions are sent at most this often. */
  positionFlushMs: number;
  /** Above this many buffered bytes a client counts as behind: positions wait, pages of catch-up wait. */
  behindBytes: number;
}

interface PendingCritical {
  entry: InboxEntry;
  sentAt: number;
}

/**
 * One connected reader: which inbox entries it has been sent (per audience, the last sequence
 * number), the critical ones it still owes an acknowledgement for, and the latest rider positions
 * waiting for it. Every notification goes out exactly once and in order: an entry is sent only if
 * it is the next number after the last one sent.
 */
export class ReaderSession {
  readonly id = randomUUID();
  readonly person: string;
  readonly live = new Set<Audience>();
  preferences: Preferences = DEFAULT_PREFERENCES;
  private readonly lastSent = new Map<Audience, number>();
  private readonly pending = new Map<string, PendingCritical>();
  private readonly positions = new Map<string, PositionFrame>();
  private flushTimer?: NodeJS.Timeout;
  private lastFlushAt = 0;
  private closed = false;

  constructor(
    readonly principal: Principal,
    readonly audiences: readonly Audience[],
    private readonly outlet: Outlet,
    private readonly options: SessionOptions,
  ) {
    this.person = principal.sub;
  }

  get open(): boolean {
    return !this.closed && this.outlet.open;
  }

  get disposed(): boolean {
    return this.closed;
  }

  startAfter(audience: Audience, seq: number): void {
    this.lastSent.set(audience, seq);
  }

  lastSentOf(audience: Audience): number {
    return this.lastSent.get(audience) ?? 0;
  }

  cursor(): string {
    return encodeCursor(Object.fromEntries(this.lastSent));
  }

  send(frame: Frame, json = JSON.stringify(frame)): void {
    if (this.open) this.outlet.send(frame, json);
  }

  /** Sends the entry if it is the next one of its audience; returns whether it did. */
  deliver(entry: InboxEntry, nowMs: number): boolean {
    if (!this.open || entry.seq !== this.lastSentOf(entry.audience) + 1) return false;
    this.lastSent.set(entry.audience, entry.seq);
    const frame = this.frameOf(entry, nowMs);
    this.send(frame, notificationJson(frame, entry));
    if (entry.critical) this.pending.set(pendingKey(entry.audience, entry.seq), { entry, sentAt: nowMs });
    return true;
  }

  /** Entries before `seq` are gone: the client is told and continues from there. */
  skipTo(audience: Audience, seq: number, reason: 'retention' | 'unknown_cursor'): void {
    this.lastSent.set(audience, seq);
    this.send({ type: 'reset', audience, reason, cursor: this.cursor() });
  }

  /** Critical notifications sent at least `olderThanMs` ago and not known to be acknowledged. */
  dueForResend(nowMs: number, olderThanMs: number): InboxEntry[] {
    return [...this.pending.values()].filter((p) => nowMs - p.sentAt >= olderThanMs).map((p) => p.entry);
  }

  resend(entry: InboxEntry, nowMs: number): void {
    const pending = this.pending.get(pendingKey(entry.audience, entry.seq));
    if (!pending) return;
    pending.sentAt = nowMs;
    const frame: NotificationFrame = { ...this.frameOf(entry, nowMs), resent: true };
    this.send(frame, notificationJson(frame, entry));
  }

  /** The person acknowledged everything of `audience` up to `seq`. */
  acknowledged(audience: Audience, seq: number): void {
    for (const [key, { entry }] of this.pending) {
      if (entry.audience === audience && entry.seq <= seq) this.pending.delete(key);
    }
  }

  /** Keeps only the latest position per rider (per followed order); sent when the client keeps up. */
  offerPosition(key: string, frame: PositionFrame): void {
    if (!this.open) return;
    this.positions.set(key, frame);
    this.scheduleFlush();
  }

  dispose(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.positions.clear();
    this.pending.clear();
  }

  close(code: number, reason: string): void {
    const wasOpen = this.open;
    this.dispose();
    if (wasOpen) this.outlet.close(code, reason);
  }

  /** Resolves once the client has taken what was sent, or has gone. */
  async drained(): Promise<void> {
    while (this.open && this.outlet.bufferedBytes() > this.options.behindBytes) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private frameOf(entry: InboxEntry, nowMs: number): NotificationFrame {
    return {
      type: 'notification',
      cursor: this.cursor(),
      audience: entry.audience,
      seq: entry.seq,
      eventId: entry.eventId,
      eventType: entry.eventType,
      critical: entry.critical,
      alert: shouldAlert(this.preferences, { critical: entry.critical, eventType: entry.eventType, orderId: entry.orderId ?? undefined }, nowMs),
      data: entry.data,
      occurredAt: entry.occurredAt,
    };
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlushAt + this.options.positionFlushMs - Date.now());
    this.flushTimer = setTimeout(() => this.flushPositions(), wait);
  }

  private flushPositions(): void {
    this.flushTimer = undefined;
    if (!this.open || this.positions.size === 0) return;
    // A client that has not taken what it was sent gets no more positions yet; by then only the latest remain.
    if (this.outlet.bufferedBytes() > this.options.behindBytes) {
      this.flushTimer = setTimeout(() => this.flushPositions(), this.options.positionFlushMs);
      return;
    }
    this.lastFlushAt = Date.now();
    const frames = [...this.positions.values()];
    this.positions.clear();
    for (const frame of frames) this.send(frame);
  }
}

/** What every reader of an entry gets alike, serialized once per entry rather than once per reader. */
const sharedParts = new WeakMap<InboxEntry, string>();

/** The frame's JSON: its reader's own fields, then the entry's shared part. Same content as JSON.stringify(frame). */
function notificationJson(frame: NotificationFrame, entry: InboxEntry): string {
  let shared = sharedParts.get(entry);
  if (shared === undefined) {
    const { audience, seq, eventId, eventType, critical, data, occurredAt } = frame;
    // Without its opening brace: the reader's fields come first.
    shared = JSON.stringify({ audience, seq, eventId, eventType, critical, data, occurredAt }).slice(1);
    sharedParts.set(entry, shared);
  }
  const resent = frame.resent ? '"resent":true,' : '';
  return `{"type":"notification","cursor":${JSON.stringify(frame.cursor)},"alert":${frame.alert},${resent}${shared}`;
}

function pendingKey(audience: Audience, seq: number): string {
  return `${audience}#${seq}`;
}
