import { Controller, Get, Headers, Inject, type BeforeApplicationShutdown, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiSecurity, ApiTags, type SecuritySchemeObject } from '@nestjs/swagger';
import { bearerToken, type Principal, Public, TokenVerifier } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiContent, ApiErrors, BEARER_SCHEME, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeCursor } from '../domain/cursor';
import { audiencesOf } from '../domain/audiences';
import type { Frame, Outlet } from '../delivery/frames';
import { InboxFanout } from '../delivery/inbox-fanout';
import { ReaderSession } from '../delivery/reader-session';
import type { NotificationsConfig } from '../../notifications.config';
import { endAtExpiry } from './connection-limits';
import { StreamTicketStore } from './stream-tickets';
import { BEHIND_BYTES } from './push.gateway';
import { welcomeFrame } from './welcome';

/** A one-time stream ticket as a query parameter, for clients that cannot send headers (EventSource). */
export const STREAM_TICKET = {
  name: 'streamTicket',
  scheme: {
    type: 'apiKey',
    in: 'query',
    name: 'ticket',
    description: 'A one-time ticket from POST /stream-tickets (30 s), for clients that cannot send headers; an access token never goes in a URL',
  } satisfies SecuritySchemeObject,
};

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * The same notifications as /ws, as Server-Sent Events, for clients that only read. Each
 * notification's SSE `id` is its cursor, so a browser's EventSource resumes by itself
 * (`Last-Event-ID`); acknowledgements go to POST /notifications/ack. A person's connections count
 * with their WebSockets against PUSH_MAX_CONNECTIONS_PER_SUBJECT; a stream ends when its token expires.
 */
@ApiTags('live updates')
@Controller('sse')
export class SseController implements BeforeApplicationShutdown {
  private readonly sessions = new Set<ReaderSession>();

  constructor(
    private readonly tokens: TokenVerifier,
    private readonly tickets: StreamTicketStore,
    private readonly fanout: InboxFanout,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  // Public to the guard: EventSource cannot send headers, so a one-time ticket may stand for the token.
  @Public()
  @Get()
  @ApiOperation({ summary: 'Live notifications as Server-Sent Events (event types: welcome, notification, reset, position, expired)' })
  @ApiSecurity(BEARER_SCHEME)
  @ApiSecurity(STREAM_TICKET.name)
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this notification (the id of the last event received)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'Resume from this cursor (as Last-Event-ID)' })
  @ApiContent(200, 'An endless stream of events', { 'text/event-stream': { type: 'string' } })
  @ApiErrors(401, 429)
  async stream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('ticket') ticket: string | undefined,
    @Query('access_token') tokenInUrl: string | undefined,
    @Query('cursor') cursorQuery: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Promise<void> {
    const { principal, expiresAt } = await this.authenticate(bearerToken(request.headers.authorization), ticket, tokenInUrl);
    if (this.fanout.sessionsOf(principal.sub).length >= this.config.PUSH_MAX_CONNECTIONS_PER_SUBJECT) {
      throw new DomainError('too_many', 'TOO_MANY_CONNECTIONS', `at most ${this.config.PUSH_MAX_CONNECTIONS_PER_SUBJECT} live connections per person`);
    }
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-correlation-id': String(request.id),
    });
    const outlet: Outlet = {
      get open() {
        return !raw.destroyed && !raw.writableEnded;
      },
      send: (frame, json) => raw.write(serverSentEvent(frame, json)),
      bufferedBytes: () => raw.writableLength,
      close: () => raw.end(),
    };
    const session = new ReaderSession(principal, audiencesOf(principal), outlet, { positionFlushMs: this.config.POSITION_FLUSH_MS, behindBytes: BEHIND_BYTES });
    this.sessions.add(session);
    const heartbeat = setInterval(() => outlet.open && raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const cancelExpiry = endAtExpiry(session, expiresAt);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      cancelExpiry();
      this.sessions.delete(session);
      this.fanout.close(session);
    });
    const given = lastEventId ?? cursorQuery;
    const cursor = given ? (decodeCursor(given) ?? 'unreadable') : undefined;
    this.fanout.open(session, cursor, (s) => s.send(welcomeFrame(s))).catch(() => session.close(1011, 'could not read notifications'));
  }

  /** The bearer header, or a ticket; a token in the URL is refused, since URLs end up in logs and histories. */
  private async authenticate(
    header: string | undefined,
    ticket: string | undefined,
    tokenInUrl: string | undefined,
  ): Promise<{ principal: Principal; expiresAt: Date }> {
    if (tokenInUrl !== undefined) {
      throw new DomainError(
        'unauthenticated',
        'TOKEN_IN_URL',
        'an access token never goes in a URL: send it as a bearer header, or get a ticket from POST /stream-tickets',
      );
    }
    if (header) return this.tokens.verifyWithExpiry(header);
    if (ticket) {
      const redeemed = await this.tickets.redeem(ticket);
      if (!redeemed)
        throw new DomainError('unauthenticated', 'TICKET_INVALID', 'the ticket is unknown, used or expired: get a new one from POST /stream-tickets');
      return redeemed;
    }
    throw new DomainError('unauthenticated', 'TOKEN_MISSING', 'a bearer token or a stream ticket is required');
  }

  beforeApplicationShutdown(): void {
    for (const session of this.sessions) {
      session.close(1001, 'server shutting down');
      this.fanout.close(session);
    }
    this.sessions.clear();
  }
}

/** Notifications and resets carry their cursor as the event id: that is what Last-Event-ID sends back. */
function serverSentEvent(frame: Frame, json: string): string {
  const id = frame.type === 'notification' || frame.type === 'reset' || frame.type === 'welcome' ? `id: ${frame.cursor}\n` : '';
  return `${id}event: ${frame.type}\ndata: ${json}\n\n`;
}
