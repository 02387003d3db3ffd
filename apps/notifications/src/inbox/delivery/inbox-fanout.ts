import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@petalpost/platform';
import type { Logger } from 'pino';
import type { Audience } from '../domain/audiences';
import { type Positions, startingPoint } from '../domain/cursor';
import { positionAudiences, positionFrameFor, type RiderPosition } from '../domain/rider-position';
import { parseInboxNotice } from '../../notifications.channels';
import { InboxListener } from '../inbox-listener';
import { RiderPositions } from '../../positions';
import { type InboxEntry, InboxStore } from '../inbox.store';
import { PreferencesStore } from '../../preferences';
import { DeliveriesOnTheRoad } from './deliveries-on-the-road';
import type { ReaderSession } from './reader-session';

/** Entries read at once, when catching a reader up and when fanning out. */
const PAGE_SIZE = 500;
const RETRY_READ_MS = 1_000;

/**
 * Delivers inbox entries to this replica's connected readers. A reader first catches up from its
 * cursor on its own; then it is live, and each NOTIFY, which carries the entry, goes straight to the
 * live readers whose next entry it is. Readers behind (a notice lost, or one too large to carry its
 * entry) are caught up by reading that audience once for all of them — notices arriving during the
 * read coalesce into one more read. Each reader gets each entry once, in order (ReaderSession.deliver).
 */
@Injectable()
export class InboxFanout {
  private readonly readers = new Map<Audience, Set<ReaderSession>>();
  private readonly byPerson = new Map<string, Set<ReaderSession>>();
  private readonly reading = new Map<Audience, { again: boolean }>();
  private readonly log: Logger;

  constructor(
    private readonly store: InboxStore,
    private readonly preferences: PreferencesStore,
    private readonly deliveries: DeliveriesOnTheRoad,
    listener: InboxListener,
    positions: RiderPositions,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'inbox-fanout' });
    positions.onPosition((position) => this.offerPosition(position));
    listener.on('inbox', (payload) => this.notified(payload));
    listener.on('preferences', (person) => void this.refreshPreferences(person));
    // Notices sent while the LISTEN connection was down are lost: read every audience once.
    listener.onResume(() => {
      for (const audience of this.readers.keys()) void this.fanOut(audience);
    });
  }

  /** Starts a reader: where it resumes in each audience, catch-up, then live. Resolves once it is live. */
  async open(session: ReaderSession, cursor: Positions | 'unreadable' | undefined, welcome: (session: ReaderSession) => void): Promise<void> {
    for (const audience of session.audiences) add(this.readers, audience, session);
    add(this.byPerson, session.person, session);
    const [bounds, preferences] = await Promise.all([this.store.bounds(session.audiences), this.preferences.of(session.person)]);
    session.preferences = preferences;
    const resets: Array<{ audience: Audience; after: number; reason: 'retention' | 'unknown_cursor' }> = [];
    for (const audience of session.audiences) {
      const { head, oldestKept } = bounds.get(audience) ?? { head: 0, oldestKept: undefined };
      if (cursor === 'unreadable') {
        session.startAfter(audience, head);
        resets.push({ audience, after: head, reason: 'unknown_cursor' });
        continue;
      }
      const lastSeen = cursor?.[audience];
      const start = startingPoint(lastSeen, oldestKept, head);
      session.startAfter(audience, start.after);
      if (start.reset) resets.push({ audience, after: start.after, reason: lastSeen !== undefined && lastSeen > head ? 'unknown_cursor' : 'retention' });
    }
    welcome(session);
    for (const { audience, after, reason } of resets) session.skipTo(audience, after, reason);
    this.log.debug(
      { session: session.id, person: session.person, role: session.principal.role, audiences: session.audiences, resets: resets.length },
      'reader connected',
    );
    await Promise.all(session.audiences.map((audience) => this.catchUp(session, audience)));
  }

  close(session: ReaderSession): void {
    if (!session.disposed) this.log.debug({ session: session.id, person: session.person }, 'reader disconnected');
    session.dispose();
    for (const audience of session.audiences) remove(this.readers, audience, session);
    remove(this.byPerson, session.person, session);
  }

  sessions(): ReaderSession[] {
    return [...this.byPerson.values()].flatMap((set) => [...set]);
  }

  sessionsOf(person: string): ReaderSession[] {
    return [...(this.byPerson.get(person) ?? [])];
  }

  /** A rider position to everyone on this replica who may follow that rider; coalesced per reader. */
  offerPosition(position: RiderPosition): void {
    for (const audience of positionAudiences(position, this.deliveries.withRider(position.shopId, position.riderId))) {
      const readers = this.readers.get(audience);
      if (!readers) continue;
      const frame = positionFrameFor(audience, position);
      for (const session of readers) session.offerPosition(`${audience}|${position.riderId}`, frame);
    }
  }

  private notified(payload: string): void {
    const notice = parseInboxNotice(payload);
    if (!notice) return;
    const readers = this.readers.get(notice.audience);
    if (!readers) return;
    const now = Date.now();
    let missing = false;
    for (const session of readers) {
      if (!session.open || !session.live.has(notice.audience)) continue;
      // The next one for this reader goes out at once; one that missed notices (or a notice without
      // its entry) is caught up by a read. A catch-up may already have sent it: then nothing is due.
      if (notice.entry && session.deliver(notice.entry, now)) continue;
      if (session.lastSentOf(notice.audience) < notice.seq) missing = true;
    }
    if (missing) void this.fanOut(notice.audience);
  }

  private async catchUp(session: ReaderSession, audience: Audience): Promise<void> {
    for (;;) {
      if (!session.open) return;
      const after = session.lastSentOf(audience);
      const page = await this.store.entriesAfter(audience, after, PAGE_SIZE);
      this.deliverPage(session, audience, page, after);
      if (page.length < PAGE_SIZE) break;
      await session.drained();
    }
    session.live.add(audience);
    // Whatever committed between the last page and now: read once more, as a live reader.
    void this.fanOut(audience);
  }

  /** One read of an audience for all its live readers; a notice arriving meanwhile asks for one more. */
  private async fanOut(audience: Audience): Promise<void> {
    const running = this.reading.get(audience);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: true };
    this.reading.set(audience, state);
    let failed = false;
    try {
      while (state.again) {
        state.again = false;
        const live = this.liveReaders(audience);
        if (live.length === 0) break;
        let after = Math.min(...live.map((s) => s.lastSentOf(audience)));
        for (;;) {
          const page = await this.store.entriesAfter(audience, after, PAGE_SIZE);
          for (const session of this.liveReaders(audience)) this.deliverPage(session, audience, page, after);
          if (page.length < PAGE_SIZE) break;
          after = page[page.length - 1].seq;
        }
      }
    } catch (err) {
      failed = true;
      this.log.error({ err, audience }, 'could not read an inbox; trying again');
    } finally {
      this.reading.delete(audience);
    }
    if (failed) setTimeout(() => void this.fanOut(audience), RETRY_READ_MS).unref();
  }

  /**
   * `page` holds every entry after `readAfter` that existed when read. A reader already past
   * `readAfter` gets what follows its own position; a gap there can only be entries retention dropped.
   */
  private deliverPage(session: ReaderSession, audience: Audience, page: readonly InboxEntry[], readAfter: number): void {
    if (session.lastSentOf(audience) < readAfter) return;
    const now = Date.now();
    for (const entry of page) {
      const last = session.lastSentOf(audience);
      if (entry.seq <= last) continue;
      if (entry.seq > last + 1) session.skipTo(audience, entry.seq - 1, 'retention');
      session.deliver(entry, now);
    }
  }

  private liveReaders(audience: Audience): ReaderSession[] {
    return [...(this.readers.get(audience) ?? [])].filter((s) => s.open && s.live.has(audience));
  }

  private async refreshPreferences(person: string): Promise<void> {
    const sessions = this.sessionsOf(person);
    if (sessions.length === 0) return;
    try {
      const preferences = await this.preferences.of(person);
      for (const session of sessions) session.preferences = preferences;
    } catch (err) {
      this.log.warn({ err }, 'could not re-read preferences');
    }
  }
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function remove<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
