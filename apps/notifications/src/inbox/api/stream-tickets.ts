import { createHash, randomBytes } from 'node:crypto';
import { Body, Controller, Injectable, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { CurrentPrincipal, CurrentTokenExpiry, type Principal, PrincipalSchema } from '@petalpost/auth';
import { ApiErrors, createZodDto, EmptyBody, sqlMigration } from '@petalpost/platform';
import { DataSource } from 'typeorm';
import { z } from 'zod';

/** How long a ticket waits to be used: long enough to open a connection, too short to be worth stealing. */
export const STREAM_TICKET_SECONDS = 30;

export const StreamTickets1768000000000 = sqlMigration('StreamTickets1768000000000', {
  up: [
    // Only the ticket's hash is kept: a database dump holds nothing that opens a stream.
    `CREATE TABLE stream_tickets (
      ticket_hash       bytea PRIMARY KEY,
      principal         jsonb NOT NULL,
      expires_at        timestamptz NOT NULL,
      token_expires_at  timestamptz NOT NULL
    )`,
    `CREATE INDEX stream_tickets_expires_at ON stream_tickets (expires_at)`,
  ],
  down: [`DROP TABLE stream_tickets`],
});

const hashOf = (ticket: string) => createHash('sha256').update(ticket).digest();

/**
 * One-time tickets for opening an SSE stream: a browser's EventSource cannot send a header, and an
 * access token in a URL ends up in logs and histories. The ticket is good once, for 30 seconds, and
 * the stream it opens still ends when the access token it was issued for expires. Kept in the
 * database, so any replica redeems what another issued.
 */
@Injectable()
export class StreamTicketStore {
  constructor(private readonly dataSource: DataSource) {}

  async issue(principal: Principal, tokenExpiresAt: Date): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Math.min(Date.now() + STREAM_TICKET_SECONDS * 1000, tokenExpiresAt.getTime()));
    // Expired tickets are cleared as new ones are issued; the index keeps this cheap.
    await this.dataSource.query(`DELETE FROM stream_tickets WHERE expires_at < now()`);
    await this.dataSource.query(`INSERT INTO stream_tickets (ticket_hash, principal, expires_at, token_expires_at) VALUES ($1, $2, $3, $4)`, [
      hashOf(ticket),
      JSON.stringify(principal),
      expiresAt,
      tokenExpiresAt,
    ]);
    return { ticket, expiresAt };
  }

  /** The ticket's principal, once: the DELETE makes a second use (even a concurrent one) find nothing. */
  async redeem(ticket: string): Promise<{ principal: Principal; expiresAt: Date } | undefined> {
    // A DELETE … RETURNING comes back from TypeORM as [rows, count].
    const [[row]] = (await this.dataSource.query(
      `DELETE FROM stream_tickets WHERE ticket_hash = $1 AND expires_at > now() RETURNING principal, token_expires_at`,
      [hashOf(ticket)],
    )) as [Array<{ principal: unknown; token_expires_at: Date }>, number];
    if (!row) return undefined;
    return { principal: PrincipalSchema.parse(row.principal), expiresAt: new Date(row.token_expires_at) };
  }
}

class StreamTicketAnswer extends createZodDto(
  z.strictObject({
    ticket: z.string().describe('Opens one stream: GET /sse?ticket=…, within expiresAt'),
    expiresAt: z.iso.datetime(),
  }),
) {}

@ApiTags('live updates')
@Controller('stream-tickets')
export class StreamTicketsController {
  constructor(private readonly tickets: StreamTicketStore) {}

  @Post()
  @ApiOperation({ summary: 'A one-time ticket that opens an SSE stream within 30 s (for EventSource, which cannot send the token as a header)' })
  @ZodResponse({ status: 201, type: StreamTicketAnswer })
  @ApiErrors(400, 401)
  async issue(@CurrentPrincipal() principal: Principal, @CurrentTokenExpiry() tokenExpiresAt: Date, @Body() _body: EmptyBody): Promise<StreamTicketAnswer> {
    const { ticket, expiresAt } = await this.tickets.issue(principal, tokenExpiresAt);
    return { ticket, expiresAt: expiresAt.toISOString() };
  }
}
