import { Module } from '@nestjs/common';
import { KeysModule } from '../keys';
import { AccessTokenIssuer } from './access-token-issuer';
import { SessionsController } from './api/sessions.controller';
import { SignInFailuresController } from './api/sign-in-failures.controller';
import { sessionsRetention } from './sessions-retention';
import { SessionsService } from './sessions.service';
import { SignInService } from './sign-in.service';

/** Sign-in, sessions and their refresh tokens, the sign-in throttle. Reads people through SignInDirectory. */
@Module({
  imports: [KeysModule],
  controllers: [SessionsController, SignInFailuresController],
  providers: [AccessTokenIssuer, SessionsService, SignInService, ...sessionsRetention],
  exports: [AccessTokenIssuer, SessionsService],
})
export class SessionsModule {}
