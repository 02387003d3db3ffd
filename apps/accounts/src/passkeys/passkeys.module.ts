import { Module } from '@nestjs/common';
import { PasskeySignInController, PasskeysController } from './api/passkeys.controller';
import { PasskeysService } from './passkeys.service';

/** Passkeys (WebAuthn): registration, the person's list, and sign-in. Reads people through IdentityDirectory, opens sessions through SessionOpener. */
@Module({
  controllers: [PasskeysController, PasskeySignInController],
  providers: [PasskeysService],
})
export class PasskeysModule {}
