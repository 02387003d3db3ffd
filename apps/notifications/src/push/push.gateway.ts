import type { IncomingMessage } from 'node:http';
import { Inject } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { bearerToken, mayReceive, type Principal, TokenService } from '@petalpost/auth';
import type { IntegrationEvent } from '@petalpost/contracts';
import { LOGGER } from '@petalpost/platform';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';

/** Close code for a connection without a valid token (4000–4999 are the application's). */
export const CLOSE_UNAUTHENTICATED = 4401;

/**
 * Live updates over WebSocket at /ws. A client authenticates with its bearer token (the
 * `access_token` query parameter, since browsers cannot set headers on a WebSocket) and then
 * receives, as JSON, every event the visibility table lets it see.
 */
@WebSocketGateway({ path: '/ws' })
export class PushGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly clients = new Map<WebSocket, Principal>();

  constructor(
    private readonly tokens: TokenService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('access_token') ?? bearerToken(request.headers.authorization);
    let principal: Principal;
    try {
      principal = this.tokens.verify(token ?? undefined);
    } catch {
      client.close(CLOSE_UNAUTHENTICATED, 'a valid token is required');
      return;
    }
    this.clients.set(client, principal);
    client.send(JSON.stringify({ type: 'welcome', role: principal.role, shopId: principal.shopId }));
  }

  handleDisconnect(client: WebSocket): void {
    this.clients.delete(client);
  }

  /** Sends an event to every connected client allowed to see it; returns how many were told. */
  push(event: IntegrationEvent): number {
    const message = JSON.stringify({ type: 'event', event: { eventId: event.eventId, type: event.type, streamId: event.streamId, streamVersion: event.streamVersion, shopId: event.shopId, data: event.data, occurredAt: event.metadata.occurredAt } });
    let told = 0;
    for (const [client, principal] of this.clients) {
      if (client.readyState === WebSocket.OPEN && mayReceive(principal, event)) {
        client.send(message);
        told++;
      }
    }
    this.logger.debug({ eventId: event.eventId, type: event.type, told }, 'pushed');
    return told;
  }

  connectedClients(): number {
    return this.clients.size;
  }
}
