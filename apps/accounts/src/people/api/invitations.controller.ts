import { Body, Controller, Get, Inject, Ip, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, Public, Roles, TokenVerifier } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { fromRequest, requestFingerprint } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, callersIdempotencyKey, CommandRequest, EmptyBody, IDEMPOTENCY_KEY_HEADER, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import type { OpenShop } from '../domain/shop.decider';
import type { PeopleConfig } from '../people.config';
import { pendingInvitations } from '../people.queries';
import { type Cause, ShopCommands } from '../shop-commands';
import { AcceptInvitationBody, CreateInvitationBody, InvitationList, IssuedInvitationView, MembershipView } from './people.dto';
import { actingPerson, AddressLimiter, optionalPrincipal } from './public-callers';
import { teamViewOf } from './team-access';

/**
 * Invitations: a team manager invites by e-mail or with a link to hand over in person; the secret
 * is shown once and kept only as its SHA-256. Accepting makes a new person a member, or adds the
 * membership to someone signed in.
 */
@ApiTags('invitations')
@ApiErrors(400, 401, 403, 404, 409)
@Roles('operator', 'staff', 'florist', 'dispatcher', 'rider')
@Controller()
export class InvitationsController {
  private readonly accepts: AddressLimiter;

  constructor(
    private readonly commands: ShopCommands,
    private readonly dataSource: DataSource,
    private readonly tokens: TokenVerifier,
    @Inject(SERVICE_CONFIG) config: PeopleConfig,
  ) {
    this.accepts = new AddressLimiter('invitation acceptances', config.ACCOUNTS_ACCEPTS_PER_HOUR);
  }

  @Post('shops/:shopId/invitations')
  @ApiCommand(
    'Invite someone into roles you may grant (owners: any; team managers: their own), by e-mail or as a link; expires in 7 days by default, 30 at most',
  )
  @ZodResponse({ status: 201, type: IssuedInvitationView })
  async create(@Param('shopId') shopId: string, @Body() body: CreateInvitationBody, @CommandRequest() request: CommandRequest) {
    const by = actingPerson(request.principal);
    const issued = await this.commands.invite(shopId, body, by, fromRequest(request, ['invite', shopId, body]));
    const invitation = (issued.result.state as OpenShop).invitations[issued.invitationId];
    return answer(request, issued.result, {
      invitationId: invitation.invitationId,
      shopId,
      ...(invitation.email ? { email: invitation.email } : {}),
      roles: invitation.roles,
      expiresAt: invitation.expiresAt,
      createdAt: invitation.createdAt,
      invitedBy: invitation.invitedBy,
      ...(issued.secret ? { secret: issued.secret, link: issued.link, acceptPath: `/invitations/${issued.secret}/accept` } : {}),
    });
  }

  @Get('shops/:shopId/invitations')
  @ApiOperation({ summary: "The shop's invitations not yet accepted, revoked or expired, newest first (owners, team managers, operators)" })
  @ZodResponse({ status: 200, type: InvitationList })
  async list(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    if ((await teamViewOf(this.dataSource.manager, principal, shopId)) !== 'manager') {
      throw new DomainError('forbidden', 'TEAM_RIGHT_REQUIRED', "only the owner or a member with the manageTeam right sees the shop's invitations");
    }
    const items = await pendingInvitations(this.dataSource.manager, shopId, new Date().toISOString());
    return { items: items.map((i) => ({ ...i, shopId })) };
  }

  @Post('shops/:shopId/invitations/:invitationId/revoke')
  @ApiCommand('Revoke an invitation not yet accepted: its link stops working (revoking twice changes nothing)')
  @ZodResponse({ status: 200, type: InvitationList })
  async revoke(
    @Param('shopId') shopId: string,
    @Param('invitationId', ParseUUIDPipe) invitationId: string,
    @Body() _body: EmptyBody,
    @CommandRequest() request: CommandRequest,
  ) {
    const result = await this.commands.revoke(shopId, invitationId, actingPerson(request.principal), fromRequest(request, ['revoke', shopId, invitationId]));
    const shop = result.state as OpenShop;
    const pending = Object.values(shop.invitations).filter((i) => i.status === 'pending' && Date.parse(i.expiresAt) > Date.now());
    return answer(request, result, {
      items: pending.map(({ invitationId: id, email, roles, expiresAt, createdAt, invitedBy }) => ({
        invitationId: id,
        shopId,
        ...(email ? { email } : {}),
        roles,
        expiresAt,
        createdAt,
        invitedBy,
      })),
    });
  }

  @Post('invitations/:secret/accept')
  @Public()
  @ApiBearerAuth()
  @ApiErrors(429)
  @ApiCommand(
    'Accept an invitation. New people give displayName and password (and email, when the invitation has none); someone signed in sends their token and nothing else. ' +
      'Used, revoked or expired: 409 INVITATION_USED, INVITATION_REVOKED, INVITATION_EXPIRED',
  )
  @ZodResponse({ status: 201, type: MembershipView })
  async accept(
    @Param('secret') secret: string,
    @Body() body: AcceptInvitationBody,
    @Req() request: FastifyRequest,
    @Ip() address: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // 32 random bytes in base64url: anything else is no invitation of ours.
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) throw new DomainError('not_found', 'INVITATION_NOT_FOUND', 'no such invitation');
    const principal = await optionalPrincipal(this.tokens, request.headers.authorization);
    let result;
    let personId: string;
    if (principal) {
      if (Object.keys(body).length > 0) {
        throw new DomainError('invalid', 'SIGNED_IN', 'you are signed in: the invitation is added to you, send no name, e-mail or password');
      }
      const key = request.headers[IDEMPOTENCY_KEY_HEADER];
      const cause: Cause = {
        actor: actorOf(principal),
        ...(typeof key === 'string' ? { idempotency: { key: callersIdempotencyKey(principal, key), fingerprint: requestFingerprint('accept', secret) } } : {}),
      };
      result = await this.commands.acceptAsPerson(secret, principal.sub, cause);
      personId = principal.sub;
    } else {
      if (body.displayName === undefined || body.password === undefined) {
        throw new DomainError('invalid', 'NEW_PERSON_DETAILS_REQUIRED', 'give displayName and password, or accept signed in (bearer token)');
      }
      this.accepts.take(address);
      result = await this.commands.acceptAsNewPerson(secret, { email: body.email, displayName: body.displayName, password: body.password }, {});
      personId = (result.events.find((e) => e.type === 'MemberJoined')?.data as { personId: string }).personId;
    }
    const shop = result.state as OpenShop;
    const member = shop.members[personId];
    return answer({ reply }, result, { shopId: shop.shopId, personId, roles: member.roles, owner: member.owner, manageTeam: member.manageTeam });
  }
}
