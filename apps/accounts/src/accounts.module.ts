import { type DynamicModule, Module } from '@nestjs/common';
import { serviceFoundation } from '@petalpost/event-store';
import type { Logger } from 'pino';
import type { AccountsConfig } from './accounts.config';
import { FederationModule, ShopIdentityProviders1781000000200 } from './federation';
import { Passkeys1781000000100, PasskeysModule } from './passkeys';
import { People1780000000000, PeopleModule } from './people';

/**
 * The accounts service: who may act for which shop (event-sourced in the service's log, with a
 * read model behind the API), how they sign in, and the keys their access tokens are signed with.
 */
@Module({})
export class AccountsModule {
  static forRoot(config: AccountsConfig, logger: Logger): DynamicModule {
    const foundation = serviceFoundation('accounts', config, logger, {
      migrations: [People1780000000000, Passkeys1781000000100, ShopIdentityProviders1781000000200],
      eventLog: {},
    });
    return {
      module: AccountsModule,
      imports: [...foundation.imports, PeopleModule, PasskeysModule, FederationModule],
      controllers: [],
      providers: [...foundation.providers],
    };
  }
}
