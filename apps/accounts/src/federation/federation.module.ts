import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions';
import { IdentityProviderController, OidcSignInController } from './api/identity-provider.controller';
import { IdentityProvidersService } from './identity-providers.service';
import { OidcSignInService } from './oidc-sign-in.service';

/** A shop chain's own OpenID Connect provider: its configuration per shop and the sign-in through it. Reads people through SignInDirectory. */
@Module({
  imports: [SessionsModule],
  controllers: [IdentityProviderController, OidcSignInController],
  providers: [IdentityProvidersService, OidcSignInService],
})
export class FederationModule {}
