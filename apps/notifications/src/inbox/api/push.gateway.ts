import type { IncomingMessage } from 'node:http';
import { Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { bearerToken, TokenVerifier, type VerifiedToken } from '@petalpost/auth';
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

/** How long a new connection may take to send its token before it is closed. */
export const AUTH_WAIT_MS = 10_000;

const AckMessage = z.strictObject({ type: z.literal('ack'), audience: z.string().min(1).max(300), seq: z.number().int().positive() });
/** The token, as the first message of a connection, or later to renew it before it expires. */
const AuthMessage = z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(8192) });
const ClientMessage = z.discriminatedUnion('type', [AckMessage, AuthMessage]);

/**
 * Live notifications over WebSocket at /ws. A client authenticates with its access token in an
 * `Authorization` header or, from a browser (which cannot set headers on a WebSocket), in its first
 * message {type:'auth', token} — never in the URL, which ends up in logs. It resumes with `cursor`
 * (the one from its last frame), acknowledges with {type:'ack', audience, seq}, and renews its
 * token on the connection with another {type:'auth', token} before the first expires. One
 * client cannot crowd out the others: frames are small (PushWsAdapter), messages are rate limited,
 * a person's connections are capped, acks are written in batches, and a connection ends with its token.
 */
@WebSocketGateway({ path: '/ws' })
export class PushGateway implements OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly connections = new Map<WebSocket, Connection>();
  /** Connections still waiting for their token, with the timer that closes them. */
  private readonly waiting = new Map<WebSocket, NodeJS.Timeout>();
  private readonly rate: MessageRate;

  constructor(
    private readonly tokens: TokenVerifier,
    private readonly fanout: InboxFanout,
    private readonly acks: Acks,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.rate = { perSecond: config.PUSH_MESSAGES_PER_SECOND, burst: config.PUSH_MESSAGE_BURST };
  }

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    if (query.has('access_token')) {
      client.close(CLOSE_UNAUTHENTICATED, 'an access token never goes in a URL: send {"type":"auth","token":…} first');
      return;
    }
    const rawCursor = query.get('cursor');
    const cursor = rawCursor ? (decodeCursor(rawCursor) ?? 'unreadable') : undefined;
    const header = bearerToken(request.headers.authorization);
    if (header) {
      void this.authenticate(client, header, cursor);
      return;
    }
    this.waiting.set(
      client,
      setTimeout(() => this.refuse(client, 'send {"type":"auth","token":…} as the first message'), AUTH_WAIT_MS),
    );
    client.once('message', (data) => {
      clearTimeout(this.waiting.get(client));
      this.waiting.delete(client);
      const message = AuthMessage.safeParse(parseJson(String(data)));
      if (!message.success) this.refuse(client, 'the first message must be {"type":"auth","token":…}');
      else void this.authenticate(client, message.data.token, cursor);
    });
  }

  private refuse(client: WebSocket, reason: string): void {
    this.waiting.delete(client);
    client.close(CLOSE_UNAUTHENTICATED, reason);
  }

  private async authenticate(client: WebSocket, token: string, cursor: ReturnType<typeof decodeCursor> | 'unreadable' | undefined): Promise<void> {
    let verified: VerifiedToken;
    try {
      verified = await this.tokens.verifyWithExpiry(token);
    } catch {
      this.refuse(client, 'a valid access token is required');
      return;
    }
    if (client.readyState !== WebSocket.OPEN) return;
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
    this.fanout
      .open(session, cursor, (s) => s.send(welcomeFrame(s)))
      .catch((err: unknown) => {
        this.logger.error({ err, person: session.person }, 'could not start a WebSocket reader');
        session.close(1011, 'could not read your notifications; reconnect');
      });
  }

  handleDisconnect(client: WebSocket): void {
    clearTimeout(this.waiting.get(client));
    this.waiting.delete(client);
    const connection = this.connections.get(client);
    if (!connection) return;
    this.connections.delete(client);
    this.ended(connection);
  }

  beforeApplicationShutdown(): void {
    for (const [client, timer] of this.waiting) {
      clearTimeout(timer);
      client.close(CLOSE_GOING_AWAY, 'server shutting down');
    }
    this.waiting.clear();
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
    const message = ClientMessage.safeParse(parseJson(String(data)));
    if (!message.success) {
      session.send({ type: 'error', code: 'MALFORMED_MESSAGE', message: 'expected {"type":"ack","audience":…,"seq":…} or {"type":"auth","token":…}' });
      return;
    }
    if (message.data.type === 'auth') void this.renew(connection, message.data.token);
    else connection.acks.add(message.data.audience, message.data.seq);
  }

  /** A fresh token for the same person, role and shop moves the connection's end to its expiry. */
  private async renew(connection: Connection, token: string): Promise<void> {
    const { session } = connection;
    let verified: VerifiedToken;
    try {
      verified = await this.tokens.verifyWithExpiry(token);
    } catch {
      session.send({ type: 'error', code: 'TOKEN_INVALID', message: 'the renewal token was refused; the connection still ends when its token expires' });
      return;
    }
    const { principal, expiresAt } = verified;
    const current = session.principal;
    if (principal.sub !== current.sub || principal.role !== current.role || principal.shopId !== current.shopId) {
      session.send({ type: 'error', code: 'TOKEN_MISMATCH', message: 'a renewal token must be for the same person, role and shop; reconnect to change them' });
      return;
    }
    if (!session.open) return;
    connection.cancelExpiry();
    connection.cancelExpiry = endAtExpiry(session, expiresAt);
    session.send({ type: 'renewed', expiresAt: expiresAt.toISOString() });
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
