import { Module } from '@nestjs/common';
import { IdentityDirectory } from '../passkeys/sign-in-ports';
import { PeopleDirectory, PeopleModule } from '../people';
import { IdentityProviderController, OidcSignInController } from './api/identity-provider.controller';
import { IdentityProvidersService } from './identity-providers.service';
import { OidcSignInService } from './oidc-sign-in.service';

/** A shop chain's own OpenID Connect provider: its configuration per shop and the sign-in through it. */
@Module({
  imports: [PeopleModule],
  controllers: [IdentityProviderController, OidcSignInController],
  providers: [IdentityProvidersService, OidcSignInService, { provide: IdentityDirectory, useExisting: PeopleDirectory }],
})
export class FederationModule {}
