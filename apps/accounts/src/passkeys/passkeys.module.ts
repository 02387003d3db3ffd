import { Module } from '@nestjs/common';
import { PeopleDirectory, PeopleModule } from '../people';
import { PasskeySignInController, PasskeysController } from './api/passkeys.controller';
import { PasskeysService } from './passkeys.service';
import { IdentityDirectory } from './sign-in-ports';

/** Passkeys (WebAuthn): registration, the person's list, and sign-in. Reads people through the people slice's directory. */
@Module({
  imports: [PeopleModule],
  controllers: [PasskeysController, PasskeySignInController],
  providers: [PasskeysService, { provide: IdentityDirectory, useExisting: PeopleDirectory }],
})
export class PasskeysModule {}
