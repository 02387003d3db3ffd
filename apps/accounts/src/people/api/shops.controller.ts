import { Body, Controller, Delete, Get, Inject, Ip, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, Public, Roles, TokenVerifier } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { fromRequest, requestFingerprint } from '@petalpost/event-store';
import {
  answer,
  ApiCommand,
  ApiErrors,
  callersIdempotencyKey,
  CommandRequest,
  decodePageCursor,
  EmptyBody,
  encodePageCursor,
  IDEMPOTENCY_KEY_HEADER,
  SERVICE_CONFIG,
} from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import type { OpenShop } from '../domain/shop.decider';
import { shopStream } from '../domain/shop.events';
import type { PeopleConfig } from '../people.config';
import { decodeShopCursor, displayNames, encodeShopCursor, listShops, members, shopHistory } from '../people.queries';
import { type Cause, ShopCommands } from '../shop-commands';
import {
  AuditPage,
  AuditQuery,
  ChangeMemberBody,
  ChangeShopBody,
  CreateShopBody,
  MemberList,
  MembershipView,
  RemovedMemberView,
  ShopCreatedView,
  ShopList,
  ShopsQuery,
  ShopView,
} from './people.dto';
import { actingPerson, AddressLimiter, optionalPrincipal } from './public-callers';
import { teamViewOf } from './team-access';

const SHOP_PEOPLE = ['operator', 'staff', 'florist', 'dispatcher', 'rider'] as const;

/**
 * Shops and their teams: sign-up (a shop with its owner), every shop for operators, the shop's name
 * and currency, the member list, changing someone's roles and rights, removing them, and the audit
 * of it all. A shop the caller does not belong to is 404.
 */
@ApiTags('shops')
@ApiErrors(400, 401, 403, 404, 409)
@Roles(...SHOP_PEOPLE)
@Controller('shops')
export class ShopsController {
  private readonly signUps: AddressLimiter;

  constructor(
    private readonly commands: ShopCommands,
    private readonly dataSource: DataSource,
    private readonly tokens: TokenVerifier,
    @Inject(SERVICE_CONFIG) config: PeopleConfig,
  ) {
    this.signUps = new AddressLimiter('sign-ups', config.ACCOUNTS_SIGNUPS_PER_HOUR);
  }

  @Post()
  @Public()
  @ApiBearerAuth()
  @ApiErrors(429)
  @ApiCommand(
    'Create a shop with its owner (a new person, staff with the owner right): self-service sign-up without a token (a few per address per hour), or an operator with theirs',
  )
  @ZodResponse({ status: 201, type: ShopCreatedView })
  async create(@Body() body: CreateShopBody, @Req() request: FastifyRequest, @Ip() address: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const principal = await optionalPrincipal(this.tokens, request.headers.authorization);
    if (principal && principal.role !== 'operator') {
      throw new DomainError('forbidden', 'ROLE_NOT_ALLOWED', 'shops are created by operators, or by signing up without a token');
    }
    let cause: Cause = {};
    if (principal) {
      const key = request.headers[IDEMPOTENCY_KEY_HEADER];
      const { password: _password, ...owner } = body.owner;
      cause = {
        actor: actorOf(principal),
        ...(typeof key === 'string'
          ? {
              idempotency: {
                key: callersIdempotencyKey(principal, key),
                fingerprint: requestFingerprint('create-shop', body.name, body.timeZone, body.currency, owner),
              },
            }
          : {}),
      };
    } else {
      this.signUps.take(address);
    }
    const result = await this.commands.createShop(body, body.owner, principal ? actingPerson(principal) : { selfService: true }, cause);
    const shop = result.state as OpenShop;
    const [owner] = Object.values(shop.members).filter((m) => m.owner);
    return answer({ reply }, result, {
      shopId: shop.shopId,
      name: shop.name,
      timeZone: shop.timeZone,
      currency: shop.currency,
      owner: { personId: owner.personId, roles: owner.roles },
    });
  }

  @Get()
  @Roles('operator')
  @ApiOperation({
    summary: 'Every shop, newest first, with its team size and owners (operators only); `q` finds shops by a part of their name, in any case',
  })
  @ZodResponse({ status: 200, type: ShopList })
  async list(@Query() query: ShopsQuery) {
    const page = await listShops(this.dataSource.manager, {
      ...(query.q ? { q: query.q } : {}),
      ...(query.cursor ? { after: decodeShopCursor(query.cursor) } : {}),
      limit: query.limit,
    });
    return { items: page.items, ...(page.next ? { nextCursor: encodeShopCursor(page.next) } : {}) };
  }

  @Patch(':shopId')
  @ApiCommand("Rename the shop or change the currency it prices in (owners and operators); each change is a fact in the shop's audit")
  @ZodResponse({ status: 200, type: ShopView })
  async changeShop(@Param('shopId') shopId: string, @Body() body: ChangeShopBody, @CommandRequest() request: CommandRequest) {
    const result = await this.commands.changeShop(shopId, body, actingPerson(request.principal), fromRequest(request, ['change-shop', shopId, body]));
    const shop = result.state as OpenShop;
    return answer(request, result, { shopId, name: shop.name, timeZone: shop.timeZone, currency: shop.currency });
  }

  @Get(':shopId/members')
  @ApiOperation({
    summary: "The shop's people today with their roles (what each caller sees depends on their rights; a read model, trailing the log by milliseconds)",
  })
  @ZodResponse({ status: 200, type: MemberList })
  async members(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    const view = await teamViewOf(this.dataSource.manager, principal, shopId);
    const rows = await members(this.dataSource.manager, shopId);
    return {
      shopId,
      items: rows.map((m) =>
        view === 'rider'
          ? { personId: m.personId, displayName: m.displayName, roles: m.roles }
          : {
              personId: m.personId,
              displayName: m.displayName,
              ...(view === 'manager' ? { email: m.email } : {}),
              roles: m.roles,
              owner: m.owner,
              manageTeam: m.manageTeam,
              joinedAt: m.joinedAt,
            },
      ),
    };
  }

  @Patch(':shopId/members/:personId')
  @ApiCommand("Change a member's roles (within the roles you may grant) or, owners only, their owner and manageTeam rights")
  @ZodResponse({ status: 200, type: MembershipView })
  async change(
    @Param('shopId') shopId: string,
    @Param('personId', ParseUUIDPipe) personId: string,
    @Body() body: ChangeMemberBody,
    @CommandRequest() request: CommandRequest,
  ) {
    const result = await this.commands.change(
      shopId,
      personId,
      body,
      actingPerson(request.principal),
      fromRequest(request, ['change-member', shopId, personId, body]),
    );
    const member = (result.state as OpenShop).members[personId];
    if (!member) throw new DomainError('not_found', 'MEMBER_NOT_FOUND', 'this person does not belong to the shop');
    return answer(request, result, { shopId, personId, roles: member.roles, owner: member.owner, manageTeam: member.manageTeam });
  }

  @Delete(':shopId/members/:personId')
  @ApiCommand('Remove someone from the shop (or leave it yourself): their next sign-in or refresh no longer has the shop. The last owner cannot go')
  @ZodResponse({ status: 200, type: RemovedMemberView })
  async remove(
    @Param('shopId') shopId: string,
    @Param('personId', ParseUUIDPipe) personId: string,
    @Body() _body: EmptyBody,
    @CommandRequest() request: CommandRequest,
  ) {
    const result = await this.commands.remove(shopId, personId, actingPerson(request.principal), fromRequest(request, ['remove-member', shopId, personId]));
    return answer(request, result, { shopId, personId, removed: true as const });
  }

  @Get(':shopId/audit')
  @ApiOperation({ summary: "Who granted what to whom, when: the shop's membership and invitation history, newest first (owners, team managers, operators)" })
  @ZodResponse({ status: 200, type: AuditPage })
  async audit(@Param('shopId') shopId: string, @Query() query: AuditQuery, @CurrentPrincipal() principal: Principal) {
    const view = await teamViewOf(this.dataSource.manager, principal, shopId);
    if (view !== 'manager') throw new DomainError('forbidden', 'TEAM_RIGHT_REQUIRED', 'only the owner or a member with the manageTeam right sees the audit');
    const before = query.cursor
      ? decodePageCursor(query.cursor, (k): k is [number] => k.length === 1 && Number.isInteger(k[0]) && (k[0] as number) > 0)[0]
      : undefined;
    const rows = await shopHistory(this.dataSource.manager, shopStream(shopId), before, query.limit);
    const people = new Set<string>();
    for (const row of rows) for (const id of [personOf(row.data), byOf(row.data)?.personId]) if (id) people.add(id);
    const names = await displayNames(this.dataSource.manager, [...people]);
    const named = (personId: string) => ({ personId, ...(names.has(personId) ? { displayName: names.get(personId) } : {}) });
    return {
      items: rows.map((row) => {
        const by = byOf(row.data);
        const about = personOf(row.data);
        return {
          version: row.version,
          type: row.type,
          at: atOf(row.data) ?? row.recordedAt,
          ...(by ? { by: { ...(by.personId ? named(by.personId) : {}), ...(row.actor ? { role: row.actor.role } : {}) } } : {}),
          ...(about ? { person: named(about) } : {}),
          details: detailsOf(row.data),
        };
      }),
      ...(rows.length === query.limit && rows[rows.length - 1].version > 1 ? { nextCursor: encodePageCursor([rows[rows.length - 1].version]) } : {}),
    };
  }
}

type EventData = Record<string, unknown>;

const personOf = (data: EventData) => (typeof data.personId === 'string' ? data.personId : undefined);

/** Who did it: the acting person, or for a membership the person who granted it. */
function byOf(data: EventData): { personId?: string } | undefined {
  if (typeof data.grantedBy === 'string') return { personId: data.grantedBy };
  const by = data.by as { personId?: string; selfService?: boolean } | undefined;
  if (!by) return undefined;
  return by.selfService ? {} : { personId: by.personId };
}

const TIMES = ['createdAt', 'joinedAt', 'changedAt', 'removedAt', 'acceptedAt', 'revokedAt'];
const atOf = (data: EventData) => TIMES.map((k) => data[k]).find((v): v is string => typeof v === 'string');

/** What else the event says; never an invitation's secret hash. */
function detailsOf(data: EventData): EventData {
  const { shopId: _s, personId: _p, by: _b, grantedBy: _g, secretHash: _h, ...rest } = data;
  return rest;
}
