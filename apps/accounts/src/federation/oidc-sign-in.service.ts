import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type Role } from '@petalpost/contracts';
import { LOGGER } from '@petalpost/platform';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type ClientInfo, type OpenedSession, SessionsService, SignInDirectory } from '../sessions';
import { IdentityProvidersService } from './identity-providers.service';

interface SignInRow {
  state: string;
  shop_id: string;
  code_verifier: string;
  nonce: string;
  requested_role: Role | null;
  expires_at: Date;
}

const failed = (reason: string, details: Record<string, unknown> = {}) =>
  new DomainError('unauthenticated', 'OIDC_SIGN_IN_FAILED', `the sign-in at your identity provider did not succeed: ${reason}`, { reason, ...details });

/** What openid-client says went wrong, with the provider's own error code when it sent one. */
function reasonOf(err: unknown): { reason: string; error?: string } {
  const e = err as { message?: string; error?: unknown; cause?: { message?: string } };
  const error = typeof e.error === 'string' ? e.error : undefined;
  // openid-client's own message is generic ("invalid response encountered"); its cause says which check failed.
  const reason = [e.message ?? String(err), e.cause?.message].filter(Boolean).join(': ');
  return { reason, ...(error ? { error } : {}) };
}

/**
 * Signing in through a shop chain's OpenID Connect provider: the authorization code flow with PKCE,
 * state and nonce, all kept here and good for one callback. The provider vouches for a verified
 * e-mail address; the person with that address must already be a member of the shop.
 */
@Injectable()
export class OidcSignInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly providers: IdentityProvidersService,
    private readonly directory: SignInDirectory,
    private readonly sessions: SessionsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where to send the browser: the provider's authorization endpoint, for this shop's client. */
  async start(shopId: string, role: Role | undefined): Promise<URL> {
    const row = await this.providers.rowOf(shopId);
    const redirectUri = this.providers.settings.redirectUrl;
    if (!row || !redirectUri) throw new DomainError('not_found', 'IDENTITY_PROVIDER_NOT_FOUND', 'this shop does not sign in through an identity provider');
    const config = await this.configurationOf(row.shop_id);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    await this.dataSource.query(`DELETE FROM oidc_sign_ins WHERE expires_at < now()`);
    await this.dataSource.query(
      `INSERT INTO oidc_sign_ins (state, shop_id, code_verifier, nonce, requested_role, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [state, shopId, codeVerifier, nonce, role ?? null, new Date(Date.now() + this.providers.settings.stateMs)],
    );
    this.logger.info({ shopId, issuer: row.issuer }, 'sign-in at an identity provider started');
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /** The provider's answer: exchanged for tokens, the ID token verified, its verified e-mail mapped to a member of the shop. */
  async callback(query: URLSearchParams, client: ClientInfo): Promise<OpenedSession> {
    const state = query.get('state');
    if (!state) throw new DomainError('invalid', 'OIDC_STATE_MISSING', 'the callback carries no state: start the sign-in again');
    const [taken] = (await this.dataSource.query(`DELETE FROM oidc_sign_ins WHERE state = $1 RETURNING *`, [state])) as [SignInRow[], number];
    const signIn = taken[0];
    if (!signIn || signIn.expires_at.getTime() <= Date.now()) {
      throw new DomainError('invalid', 'OIDC_STATE_UNKNOWN', 'this sign-in was not started here, has expired or was already completed: start again');
    }
    const shopId = signIn.shop_id;
    const refusedByProvider = query.get('error');
    if (refusedByProvider) {
      const description = query.get('error_description');
      throw new DomainError('unauthenticated', 'OIDC_SIGN_IN_REFUSED', `your identity provider refused the sign-in: ${description ?? refusedByProvider}`, {
        error: refusedByProvider,
      });
    }
    const config = await this.configurationOf(shopId);
    // The provider saw the public redirect URI; the request may have come through a gateway under another address.
    const currentUrl = new URL(this.providers.settings.redirectUrl as string);
    currentUrl.search = query.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: signIn.code_verifier,
        expectedState: state,
        expectedNonce: signIn.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      // Some providers put the e-mail in the ID token only when asked; the userinfo endpoint has it for the same subject.
      if (typeof claims.email !== 'string') claims = { ...claims, ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))) };
    } catch (err) {
      const why = reasonOf(err);
      this.logger.info({ shopId, issuer: config.serverMetadata().issuer, ...why }, 'sign-in at an identity provider refused');
      throw failed(why.reason, why.error ? { error: why.error } : {});
    }
    if (typeof claims.email !== 'string' || claims.email_verified !== true) {
      throw new DomainError(
        'forbidden',
        'OIDC_EMAIL_NOT_VERIFIED',
        'your identity provider did not vouch for your e-mail address (email_verified), which says who you are here',
      );
    }
    const email = claims.email;
    const person = await this.directory.byEmail(email);
    const member = person && (await this.directory.membershipsOf(person.personId)).some((m) => m.shopId === shopId);
    if (!person || !member) {
      this.logger.info({ shopId, subject: claims.sub }, 'sign-in at an identity provider refused: not a member of the shop');
      throw new DomainError('forbidden', 'NOT_A_MEMBER', `${email} is not a member of this shop: ask its owner for an invitation`, { shopId });
    }
    const opened = await this.sessions.open(person, { shopId, ...(signIn.requested_role ? { role: signIn.requested_role } : {}) }, client);
    this.logger.info({ shopId, personId: person.personId, sessionId: opened.session.sessionId }, 'signed in through an identity provider');
    return opened;
  }

  private async configurationOf(shopId: string): Promise<oidc.Configuration> {
    const row = await this.providers.rowOf(shopId);
    if (!row) throw new DomainError('not_found', 'IDENTITY_PROVIDER_NOT_FOUND', 'this shop does not sign in through an identity provider');
    try {
      return await this.providers.configurationOf(row);
    } catch (err) {
      this.logger.warn({ shopId, issuer: row.issuer, reason: reasonOf(err).reason }, 'identity provider unreachable');
      throw new DomainError('unauthenticated', 'IDENTITY_PROVIDER_UNREACHABLE', "the shop's identity provider did not answer: try again later", { shopId });
    }
  }
}
