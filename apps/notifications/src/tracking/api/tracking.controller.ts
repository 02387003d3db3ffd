import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@petalpost/auth';
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
import { isLinkId, linkIdHash, LINK_POSTS_COUNTED, linkPostingWait } from '../tracking-links';
import { findUsableLink, recentSendTimesOfLink } from '../tracking-links.store';
import { type TrackingAssets, trackingAssets } from './tracking-assets';
import { noticePage, trackingPage } from './tracking-page';
import { isLinkExpired } from '../domain/tracking-view';

/** Room for markup and spaces the cleaning removes; the cleaned text is held to MESSAGE_MAX_CHARS. */
class CustomerMessageBody extends createZodDto(
  z.strictObject({ text: z.string().max(4000) }).meta({ example: { text: 'Could the rider ring twice? The bell is faint.' } }),
) {}

class CustomerMessageSent extends createZodDto(z.object({ text: z.string(), sentAt: z.string() })) {}

/** The link's id and what is asked of it, in one path parameter (see the controller's note). */
const TrackingPath = () =>
  ApiParam({
    name: 'path',
    description:
      'The id of the link, then what is asked of it: `{link}`, `{link}/state`, `{link}/events`, `{link}/photos/{arrangement|proof}/{version}`, `{link}/messages`',
  });

/** An open page reconnects now and then (EventSource does so by itself), so an expired link is noticed. */
const STREAM_MAX_AGE_MS = 15 * 60_000;
const HEARTBEAT_MS = 20_000;

/** A usable link and its order. */
type Resolved = { linkId: string; order: TrackedOrder };

/**
 * The customer's tracking page and its data, reached with the link's id (no login, no app). The id
 * is opaque and good for these routes only; one that never existed, has ended or was withdrawn is
 * answered alike (404), so a caller learns nothing about which ids were ever links. Each route takes
 * the rest of the path (`track/*`), beside the page's assets under `track/assets/`, and reads the id
 * and what is asked for from it.
 */
@ApiTags('tracking')
@Public()
@Controller('track')
export class TrackingController {
  private readonly channel: string;
  private readonly cspPhotoSource: string;
  private readonly assets: TrackingAssets = trackingAssets();

  constructor(
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
  @ApiErrors(404)
  @ApiOperation({
    summary:
      'The tracking page: GET /track/{link} (HTML), /track/{link}/state (JSON), /track/{link}/events (server-sent events), /track/{link}/photos/{arrangement|proof}/{version} (redirect to the photo). A link that is unknown, ended or withdrawn is 404.',
  })
  async get(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const [link = '', ...rest] = wildcard(request).split('/');
    const what = rest.join('/');
    if (what === '') return this.page(link, reply);
    if (what === 'state') return this.state(link, request, reply);
    if (what === 'events') return this.events(link, request, reply);
    const photo = /^photos\/(arrangement|proof)\/[\w-]+$/.exec(what);
    if (photo) return this.photo(link, photo[1] as 'arrangement' | 'proof', request, reply);
    return notFoundJson(request, reply);
  }

  @Post('*')
  @HttpCode(201)
  @TrackingPath()
  @ApiResponse({ status: 201, type: CustomerMessageSent.Output })
  @ApiErrors(400, 404, 413, 415, 429)
  @ApiOperation({
    summary:
      "POST /track/{link}/messages {text}: the customer writes to the shop about this order (plain text, at most 1000 characters); it is posted in the order's customer channel in messaging, as plain text that alerts nobody. At most 5 a minute and 30 a day per link, 10 a minute per order (429 with Retry-After).",
  })
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: CustomerMessageBody): Promise<void> {
    const [link = '', ...rest] = wildcard(request).split('/');
    if (rest.join('/') !== 'messages') return notFoundJson(request, reply);
    const resolved = await this.resolve(link);
    if (!resolved) return notFoundJson(request, reply);
    const text = cleanMessageText(body.text);
    const { order, linkId } = resolved;
    const message = await this.dataSource.transaction(async (db) => {
      // One order's messages take turns, so the limits hold under concurrent posts.
      await db.query(`SELECT 1 FROM tracked_orders WHERE order_id = $1 FOR UPDATE`, [order.orderId]);
      const sentAt = new Date().toISOString();
      // The link's own limits: a leaked link cannot flood the shop.
      const linkWait = linkPostingWait(await recentSendTimesOfLink(db, linkId, LINK_POSTS_COUNTED), sentAt);
      if (linkWait) throw postingLimited(linkWait.seconds, linkWait.limit);
      // Messaging's posting limit for the order, checked here too so the customer hears of it at once (429, Retry-After).
      const wait = postingWaitSeconds(await recentSendTimes(db, order.orderId, POSTING_LIMIT.posts), sentAt);
      if (wait > 0) throw postingLimited(wait);
      const stored = await storeMessage(db, { orderId: order.orderId, shopId: order.shopId, linkId, text, sentAt });
      await announceChange(db, this.channel, order.orderId);
      return stored;
    });
    this.outbox.flush();
    void reply.status(201).send({ text: message.text, sentAt: message.sentAt });
  }

  private async page(link: string, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(link);
    this.pageHeaders(reply);
    if (!resolved) {
      void reply.status(404).send(noticePage(this.assets));
      return;
    }
    void reply.status(200).send(trackingPage({ view: await this.hub.viewOf(resolved.order), assets: this.assets }));
  }

  private async state(link: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(link);
    if (!resolved) return notFoundJson(request, reply);
    void reply.header('cache-control', 'no-store').send(await this.hub.viewOf(resolved.order));
  }

  private async events(link: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(link);
    if (!resolved) return notFoundJson(request, reply);
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
        resolved.linkId,
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

  private async photo(link: string, kind: 'arrangement' | 'proof', request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const resolved = await this.resolve(link);
    if (!resolved) return notFoundJson(request, reply);
    const { order } = resolved;
    const ref = kind === 'arrangement' ? order.arrangementPhotoRef : order.status === 'delivered' ? order.proofPhotoRef : null;
    if (!ref || !this.config.TRACKING_PHOTO_BASE_URL) return notFoundJson(request, reply);
    const target = `${this.config.TRACKING_PHOTO_BASE_URL.replace(/\/+$/, '')}/${ref.split('/').map(encodeURIComponent).join('/')}`;
    void reply.status(302).header('cache-control', 'private, max-age=300').header('referrer-policy', 'no-referrer').redirect(target);
  }

  /** The link's order, if the link exists, is not withdrawn, and neither it nor its order's grace period has ended. */
  private async resolve(link: string): Promise<Resolved | undefined> {
    if (!isLinkId(link)) return undefined;
    const now = new Date();
    const found = await findUsableLink(this.dataSource, linkIdHash(link), now);
    const order = found ? await findTrackedOrder(this.dataSource, found.orderId) : undefined;
    if (!found || !order || isLinkExpired(order, this.config.TRACKING_GRACE_HOURS, now)) return undefined;
    return { linkId: found.linkId, order };
  }

  /**
   * The link's id is in the URL: it must not travel on in a Referer, be cached, indexed or framed.
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

/** The API's one error shape, answered here because these routes write their replies themselves. */
function notFoundJson(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(404)
    .header('cache-control', 'no-store')
    .send({ code: 'TRACKING_LINK_NOT_FOUND', message: 'no such tracking link', correlationId: String(request.id) });
}
