import type { IncomingMessage } from 'node:http';
import { Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { bearerToken, type Principal, TokenService } from '@petalpost/auth';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { type RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { type Ack, Acks, notificationNotFound } from '../acks/acks.service';
import { audiencesOf } from '../domain/audiences';
import { decodeCursor } from '../domain/cursor';
import { type Bucket, fullBucket, type MessageRate, takeToken } from '../domain/message-rate';
import type { Outlet } from '../delivery/frames';
import { InboxFanout } from '../delivery/inbox-fanout';
import { ReaderSession } from '../delivery/reader-session';
import type { NotificationsConfig } from '../../notifications.config';
import { AckBatches } from './ack-batches';
import { CLOSE_TOO_MANY_CONNECTIONS, CLOSE_TOO_MANY_MESSAGES, endAtExpiry } from './connection-limits';
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
 * `cursor` (the one from its last frame), and acknowledges with {type:'ack', audience, seq}. One
 * client cannot crowd out the others: frames are small (PushWsAdapter), messages are rate limited,
 * a person's connections are capped, acks are written in batches, and a connection ends with its token.
 */
@WebSocketGateway({ path: '/ws' })
export class PushGateway implements OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly rate: MessageRate;

  constructor(
    private readonly tokens: TokenService,
    private readonly fanout: InboxFanout,
    private readonly acks: Acks,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.rate = { perSecond: config.PUSH_MESSAGES_PER_SECOND, burst: config.PUSH_MESSAGE_BURST };
  }

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    let verified: { principal: Principal; expiresAt?: Date };
    try {
      verified = this.tokens.verifyWithExpiry(query.get('access_token') ?? bearerToken(request.headers.authorization));
    } catch {
      client.close(CLOSE_UNAUTHENTICATED, 'a valid token is required');
      return;
    }
    const { principal, expiresAt } = verified;
    if (this.fanout.sessionsOf(principal.sub).length >= this.config.PUSH_MAX_CONNECTIONS_PER_SUBJECT) {
      client.close(CLOSE_TOO_MANY_CONNECTIONS, `at most ${this.config.PUSH_MAX_CONNECTIONS_PER_SUBJECT} live connections per person`);
      return;
    }
    const session = new ReaderSession(principal, audiencesOf(principal), webSocketOutlet(client), {
      positionFlushMs: this.config.POSITION_FLUSH_MS,
      behindBytes: BEHIND_BYTES,
    });
    const connection: Connection = {
      session,
      bucket: fullBucket(this.rate, Date.now()),
      acks: new AckBatches((acks) => this.record(session, acks), this.config.PUSH_ACK_FLUSH_MS),
      cancelExpiry: endAtExpiry(session, expiresAt),
    };
    this.connections.set(client, connection);
    client.on('message', (data) => this.received(connection, data));
    const rawCursor = query.get('cursor');
    const cursor = rawCursor ? (decodeCursor(rawCursor) ?? 'unreadable') : undefined;
    this.fanout
      .open(session, cursor, (s) => s.send(welcomeFrame(s)))
      .catch((err: unknown) => {
        this.logger.error({ err, person: session.person }, 'could not start a WebSocket reader');
        session.close(1011, 'could not read your notifications; reconnect');
      });
  }

  handleDisconnect(client: WebSocket): void {
    const connection = this.connections.get(client);
    if (!connection) return;
    this.connections.delete(client);
    this.ended(connection);
  }

  beforeApplicationShutdown(): void {
    for (const [client, connection] of this.connections) {
      this.ended(connection);
      client.close(CLOSE_GOING_AWAY, 'server shutting down');
    }
    this.connections.clear();
  }

  private ended(connection: Connection): void {
    connection.cancelExpiry();
    connection.acks.close();
    this.fanout.close(connection.session);
  }

  /** Every message costs a token, whatever it is; one beyond the rate closes the connection before anything else is done with it. */
  private received(connection: Connection, data: RawData): void {
    const { session } = connection;
    if (!session.open) return;
    const taken = takeToken(connection.bucket, this.rate, Date.now());
    connection.bucket = taken.bucket;
    if (!taken.allowed) {
      session.close(CLOSE_TOO_MANY_MESSAGES, 'too many messages');
      return;
    }
    const message = AckMessage.safeParse(parseJson(String(data)));
    if (!message.success) {
      session.send({ type: 'error', code: 'MALFORMED_MESSAGE', message: 'expected {"type":"ack","audience":…,"seq":…}' });
      return;
    }
    connection.acks.add(message.data.audience, message.data.seq);
  }

  /** One batch of a connection's acknowledgements: one write, then an `acked` or an error frame for each. */
  private async record(session: ReaderSession, acks: Ack[]): Promise<void> {
    try {
      const { recorded, refused } = await this.acks.acknowledgeMany(session.principal, acks);
      for (const { audience, seq } of recorded) session.send({ type: 'acked', audience, seq });
      const notFound = notificationNotFound();
      for (const { audience, seq } of refused) session.send({ type: 'error', code: notFound.code, message: `${notFound.message}: ${audience} #${seq}` });
    } catch (err) {
      this.logger.error({ err }, 'could not record acknowledgements');
      session.send({ type: 'error', code: 'INTERNAL_ERROR', message: 'could not record the acknowledgement; send it again' });
    }
  }
}

interface Connection {
  session: ReaderSession;
  bucket: Bucket;
  acks: AckBatches;
  cancelExpiry: () => void;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
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
