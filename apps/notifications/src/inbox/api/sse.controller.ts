import { Controller, Get, Headers, Inject, type BeforeApplicationShutdown, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiSecurity, ApiTags, type SecuritySchemeObject } from '@nestjs/swagger';
import { bearerToken, Public, TokenService } from '@petalpost/auth';
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
import { BEHIND_BYTES } from './push.gateway';
import { welcomeFrame } from './welcome';

/** The token as a query parameter, for clients that cannot send headers (EventSource, and the WebSocket at /ws). */
export const ACCESS_TOKEN = {
  name: 'accessToken',
  scheme: {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description: 'The bearer token, for clients that cannot send headers',
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
    private readonly tokens: TokenService,
    private readonly fanout: InboxFanout,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  // Public to the guard: EventSource cannot send headers, so the token may come as access_token too.
  @Public()
  @Get()
  @ApiOperation({ summary: 'Live notifications as Server-Sent Events (event types: welcome, notification, reset, position, expired)' })
  @ApiSecurity(BEARER_SCHEME)
  @ApiSecurity(ACCESS_TOKEN.name)
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this notification (the id of the last event received)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'Resume from this cursor (as Last-Event-ID)' })
  @ApiContent(200, 'An endless stream of events', { 'text/event-stream': { type: 'string' } })
  @ApiErrors(401, 429)
  stream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('access_token') accessToken: string | undefined,
    @Query('cursor') cursorQuery: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): void {
    const { principal, expiresAt } = this.tokens.verifyWithExpiry(bearerToken(request.headers.authorization) ?? accessToken);
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
