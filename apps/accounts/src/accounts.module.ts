import { type DynamicModule, Module } from '@nestjs/common';
import { serviceFoundation } from '@petalpost/event-store';
import type { Logger } from 'pino';
import type { AccountsConfig } from './accounts.config';
import { ApiKeys1768000000300, ApiKeysModule } from './api-keys';
import { FederationModule, ShopIdentityProviders1781000000200 } from './federation';
import { KeysModule, SigningKeys1768000000100 } from './keys';
import { Passkeys1781000000100, PasskeysModule } from './passkeys';
import { People1780000000000, PeopleDirectory, PeopleModule, ShopCurrency1782000000000 } from './people';
import { Sessions1768000000200, SessionsModule, SignInDirectory, SignInDirectoryModule } from './sessions';

/**
 * The accounts service: who may act for which shop (event-sourced in the service's log, with a
 * read model behind the API), how they sign in, and the keys their access tokens are signed with.
 */
@Module({})
export class AccountsModule {
  static forRoot(config: AccountsConfig, logger: Logger): DynamicModule {
    const foundation = serviceFoundation('accounts', config, logger, {
      migrations: [
        People1780000000000,
        SigningKeys1768000000100,
        Sessions1768000000200,
        ApiKeys1768000000300,
        Passkeys1781000000100,
        ShopIdentityProviders1781000000200,
        ShopCurrency1782000000000,
      ],
      eventLog: {},
    });
    return {
      module: AccountsModule,
      imports: [
        ...foundation.imports,
        PeopleModule,
        // Sign-in, sessions and API keys read people and their shops through the people slice's directory.
        SignInDirectoryModule.using({ provide: SignInDirectory, inject: [PeopleDirectory], useFactory: (people: PeopleDirectory): SignInDirectory => people }, [
          PeopleModule,
        ]),
        KeysModule,
        SessionsModule,
        ApiKeysModule,
        PasskeysModule,
        FederationModule,
      ],
      controllers: [],
      providers: [...foundation.providers],
    };
  }
}
