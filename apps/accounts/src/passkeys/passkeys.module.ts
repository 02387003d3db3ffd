import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions';
import { PasskeySignInController, PasskeysController } from './api/passkeys.controller';
import { PasskeysService } from './passkeys.service';

/** Passkeys (WebAuthn): registration, the person's list, and sign-in into a session like the password's. Reads people through SignInDirectory. */
@Module({
  imports: [SessionsModule],
  controllers: [PasskeysController, PasskeySignInController],
  providers: [PasskeysService],
})
export class PasskeysModule {}
