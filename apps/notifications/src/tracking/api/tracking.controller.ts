import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public, TokenService } from '@petalpost/auth';
import { POSTING_LIMIT, postingLimited, postingWaitSeconds } from '@petalpost/contracts';
import { ApiContent, ApiErrors, createZodDto, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { cleanMessageText } from './customer-message';
import { CustomerMessageOutbox } from '../customer-message-outbox';
import type { TrackedOrder } from '../domain/tracked-order.evolve';
import { announceChange, findTrackedOrder, recentSendTimes, storeMessage, trackingChannel } from '../tracked-orders.store';
import type { TrackingServiceConfig } from '../tracking.config';
import { TrackingHub } from '../tracking-hub';
import { orderOfTrackingToken } from '../tracking-links';
import { type TrackingAssets, trackingAssets } from './tracking-assets';
import { noticePage, trackingPage } from './tracking-page';
import { isLinkExpired } from '../domain/tracking-view';

/** Room for markup and spaces the cleaning removes; the cleaned text is held to MESSAGE_MAX_CHARS. */
class CustomerMessageBody extends createZodDto(
  z.strictObject({ text: z.string().max(4000) }).meta({ example: { text: 'Could the rider ring twice? The bell is faint.' } }),
) {}

class CustomerMessageSent extends createZodDto(z.object({ text: z.string(), sentAt: z.string() })) {}

/** The token and what is asked of it, in one path parameter (see the controller's note on the router's limit). */
const TrackingPath = () =>
  ApiParam({
    name: 'path',
    description:
      'The token of the link, then what is asked of it: `{token}`, `{token}/state`, `{token}/events`, `{token}/photos/{arrangement|proof}/{version}`, `{token}/messages`',
  });

/** An open page reconnects now and then (EventSource does so by itself), so an expired link is noticed. */
const STREAM_MAX_AGE_MS = 15 * 60_000;
const HEARTBEAT_MS = 20_000;

type Resolved = { ok: true; order: TrackedOrder } | { ok: false; kind: 'not_found' | 'expired' };

/**
 * The customer's tracking page and its data, reached with the token in the link (no login, no app).
 * Tokens are JWTs, longer than the router's 100-character limit on a path parameter, so each route
 * takes the rest of the path (`track/*`) and reads the token and what is asked for from it.
 */
@ApiTags('tracking')
@Public()
@Controller('track')
export class TrackingController {
  private readonly channel: string;
  private readonly cspPhotoSource: string;
  private readonly assets: TrackingAssets = trackingAssets();

  constructor(
    private readonly tokens: TokenService,
    private readonly dataSource: DataSource,
    private readonly hub: TrackingHub,
    private readonly outbox: CustomerMessageOutbox,
    @Inject(SERVICE_CONFIG) private readonly config: TrackingServiceConfig,
  ) {
    this.channel = trackingChannel(config.DATABASE_SCHEMA);
    this.cspPhotoSource = config.TRACKING_PHOTO_BASE_URL ? ` ${new URL(config.TRACKING_PHOTO_BASE_URL).origin}` : '';
  }

  @Get('*')
  @TrackingPath()
  @ApiContent(200, 'The page, its state, or its live updates, by the path', {
    'text/html': { type: 'string' },
    'application/json': { type: 'object' },
    'text/event-stream': { type: 'string' },
  })
  @ApiResponse({ status: 302, description: 'A photo: redirected to where it is stored' })
  @ApiErrors(404, 410)
  @ApiOperation({
    summary:
      'The tracking page: GET /track/{token} (HTML), /track/{token}/state (JSON), /track/{token}/events (server-sent events), /track/{token}/photos/{arrangement|proof}/{version} (redirect to the photo). An unknown token is 404, a link past its order plus the grace period 410.',
  })
  async get(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const [token = '', ...rest] = wildcard(request).split('/');
    const what = rest.join('/');
    if (what === '') return this.page(token, reply);
    if (what === 'state') return this.state(token, request, reply);
    if (what === 'events') return this.events(token, request, reply);
    const photo = /^photos\/(arrangement|proof)\/[\w-]+$/.exec(what);
    if (photo) return this.photo(token, photo[1] as 'arrangement' | 'proof', request, reply);
    return notFoundJson(request, reply);
  }

  @Post('*')
  @HttpCode(201)
  @TrackingPath()
  @ApiResponse({ status: 201, type: CustomerMessageSent.Output })
  @ApiErrors(400, 404, 410, 413, 415, 429)
  @ApiOperation({
    summary:
      "POST /track/{token}/messages {text}: the customer writes to the shop about this order (plain text, at most 1000 characters); it is posted in the order's customer channel in messaging.",
  })
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: CustomerMessageBody): Promise<void> {
    const [token = '', ...rest] = wildcard(request).split('/');
    if (rest.join('/') !== 'messages') return notFoundJson(request, reply);
    const resolved = await this.resolve(token);
    if (!resolved.ok) return refuseJson(resolved.kind, request, reply);
    const text = cleanMessageText(body.text);
    const { order } = resolved;
    const message = await this.dataSource.transaction(async (db) => {
      // One order's messages take turns, so the limit holds under concurrent posts.
      await db.query(`SELECT 1 FROM tracked_orders WHERE order_id = $1 FOR UPDATE`, [order.orderId]);
      // Messaging's posting limit, checked here too so the customer hears of it at once (429, Retry-After).
      const sentAt = new Date().toISOString();
      const wait = postingWaitSeconds(await recentSendTimes(db, order.orderId, POSTING_LIMIT.posts), sentAt);
      if (wait > 0) throw postingLimited(wait);
      const stored = await storeMessage(db, { orderId: order.orderId, shopId: order.shopId, text, sentAt });
      await announceChange(db, this.channel, order.orderId);
      return stored;
    });
    this.outbox.flush();
    void reply.status(201).send({ text: message.text, sentAt: message.sentAt });
  }

  private async page(token: string, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(token);
    this.pageHeaders(reply);
    if (!resolved.ok) {
      void reply.status(resolved.kind === 'expired' ? 410 : 404).send(noticePage(resolved.kind, this.assets));
      return;
    }
    void reply.status(200).send(trackingPage({ view: await this.hub.viewOf(resolved.order), assets: this.assets }));
  }

  private async state(token: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(token);
    if (!resolved.ok) return refuseJson(resolved.kind, request, reply);
    void reply.header('cache-control', 'no-store').send(await this.hub.viewOf(resolved.order));
  }

  private async events(token: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(token);
    if (!resolved.ok) return refuseJson(resolved.kind, request, reply);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Proxies must not hold the stream back.
      'x-accel-buffering': 'no',
      'x-correlation-id': String(request.id),
    });
    raw.write('retry: 3000\n\n');
    let open = true;
    let stop: () => void;
    try {
      stop = await this.hub.watch(
        resolved.order,
        (event, data) => {
          if (open) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        () => raw.end(),
      );
    } catch {
      // The page falls back to /state and tries again.
      raw.end();
      return;
    }
    const heartbeat = setInterval(() => raw.write(': still here\n\n'), HEARTBEAT_MS);
    const maxAge = setTimeout(() => raw.end(), STREAM_MAX_AGE_MS);
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      clearTimeout(maxAge);
      stop();
    };
    raw.on('close', close);
    raw.on('error', close);
  }

  private async photo(token: string, kind: 'arrangement' | 'proof', request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(token);
    if (!resolved.ok) return refuseJson(resolved.kind, request, reply);
    const { order } = resolved;
    const ref = kind === 'arrangement' ? order.arrangementPhotoRef : order.status === 'delivered' ? order.proofPhotoRef : null;
    if (!ref || !this.config.TRACKING_PHOTO_BASE_URL) return notFoundJson(request, reply);
    const target = `${this.config.TRACKING_PHOTO_BASE_URL.replace(/\/+$/, '')}/${ref.split('/').map(encodeURIComponent).join('/')}`;
    void reply.status(302).header('cache-control', 'private, max-age=300').header('referrer-policy', 'no-referrer').redirect(target);
  }

  private async resolve(token: string): Promise<Resolved> {
    const orderId = orderOfTrackingToken(this.tokens, token);
    const order = orderId ? await findTrackedOrder(this.dataSource, orderId) : undefined;
    if (!order) return { ok: false, kind: 'not_found' };
    if (isLinkExpired(order, this.config.TRACKING_GRACE_HOURS, new Date())) return { ok: false, kind: 'expired' };
    return { ok: true, order };
  }

  /**
   * The link carries the token: it must not travel on in a Referer, be cached, indexed or framed.
   * Scripts and styles come only from this service's own files, never from inline code.
   */
  private pageHeaders(reply: FastifyReply): void {
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex')
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'${this.cspPhotoSource}; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`,
      );
  }
}

function wildcard(request: FastifyRequest): string {
  return (request.params as Record<string, string | undefined>)['*'] ?? '';
}

function notFoundJson(request: FastifyRequest, reply: FastifyReply): void {
  refuseJson('not_found', request, reply);
}

/** The API's one error shape; 410 is not a domain error kind, so it is answered here. */
function refuseJson(kind: 'not_found' | 'expired', request: FastifyRequest, reply: FastifyReply): void {
  const body =
    kind === 'expired'
      ? { code: 'TRACKING_LINK_EXPIRED', message: 'this link has expired', correlationId: String(request.id) }
      : { code: 'TRACKING_LINK_NOT_FOUND', message: 'no such tracking link', correlationId: String(request.id) };
  void reply
    .status(kind === 'expired' ? 410 : 404)
    .header('cache-control', 'no-store')
    .send(body);
}
