import type { IncomingMessage } from 'node:http';
import { Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { bearerToken, type Principal, TokenService } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { type RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { Acks } from '../acks/acks.service';
import { audiencesOf } from '../domain/audiences';
import { decodeCursor } from '../domain/cursor';
import type { Outlet } from '../delivery/frames';
import { InboxFanout } from '../delivery/inbox-fanout';
import { ReaderSession } from '../delivery/reader-session';
import type { NotificationsConfig } from '../notifications.config';
import { welcomeFrame } from './welcome';

/** Close code for a connection without a valid token (4000–4999 are the application's). */
export const CLOSE_UNAUTHENTICATED = 4401;
/** The server is going away (a deploy, a scale-down): reconnect, with the last cursor, to another replica. */
export const CLOSE_GOING_AWAY = 1001;
/** Above this many unsent bytes a client is behind: rider positions wait for it. */
export const BEHIND_BYTES = 64 * 1024;

const AckMessage = z.strictObject({ type: z.literal('ack'), audience: z.string().min(1).max(300), seq: z.number().int().positive() });

/**
 * Live notifications over WebSocket at /ws. A client authenticates with its bearer token (the
 * `access_token` query parameter, since browsers cannot set headers on a WebSocket), resumes with
 * `cursor` (the one from its last frame), and acknowledges with {type:'ack', audience, seq}.
 */
@WebSocketGateway({ path: '/ws' })
export class PushGateway implements OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly sessions = new Map<WebSocket, ReaderSession>();

  constructor(
    private readonly tokens: TokenService,
    private readonly fanout: InboxFanout,
    private readonly acks: Acks,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    let principal: Principal;
    try {
      principal = this.tokens.verify(query.get('access_token') ?? bearerToken(request.headers.authorization));
    } catch {
      client.close(CLOSE_UNAUTHENTICATED, 'a valid token is required');
      return;
    }
    const session = new ReaderSession(principal, audiencesOf(principal), webSocketOutlet(client), {
      positionFlushMs: this.config.POSITION_FLUSH_MS,
      behindBytes: BEHIND_BYTES,
    });
    this.sessions.set(client, session);
    client.on('message', (data) => void this.received(session, data));
    const rawCursor = query.get('cursor');
    const cursor = rawCursor ? (decodeCursor(rawCursor) ?? 'unreadable') : undefined;
    this.fanout.open(session, cursor, (s) => s.send(welcomeFrame(s))).catch((err: unknown) => {
      this.logger.error({ err, person: session.person }, 'could not start a WebSocket reader');
      session.close(1011, 'could not read your notifications; reconnect');
    });
  }

  handleDisconnect(client: WebSocket): void {
    const session = this.sessions.get(client);
    if (!session) return;
    this.sessions.delete(client);
    this.fanout.close(session);
  }

  beforeApplicationShutdown(): void {
    for (const [client, session] of this.sessions) {
      this.fanout.close(session);
      client.close(CLOSE_GOING_AWAY, 'server shutting down');
    }
    this.sessions.clear();
  }

  private async received(session: ReaderSession, data: RawData): Promise<void> {
    let message: z.infer<typeof AckMessage>;
    try {
      message = AckMessage.parse(JSON.parse(String(data)));
    } catch {
      session.send({ type: 'error', code: 'MALFORMED_MESSAGE', message: 'expected {"type":"ack","audience":…,"seq":…}' });
      return;
    }
    try {
      await this.acks.acknowledge(session.principal, message.audience, message.seq);
      session.send({ type: 'acked', audience: message.audience, seq: message.seq });
    } catch (err) {
      if (err instanceof DomainError) session.send({ type: 'error', code: err.code, message: err.message });
      else {
        this.logger.error({ err }, 'could not record an acknowledgement');
        session.send({ type: 'error', code: 'INTERNAL_ERROR', message: 'could not record the acknowledgement; send it again' });
      }
    }
  }
}

function webSocketOutlet(client: WebSocket): Outlet {
  return {
    get open() {
      return client.readyState === WebSocket.OPEN;
    },
    send: (_frame, json) => client.send(json),
    bufferedBytes: () => client.bufferedAmount,
    close: (code, reason) => client.close(code, reason),
  };
}
