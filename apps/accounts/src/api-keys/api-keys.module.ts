import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions';
import { ApiKeyTokensController, ShopApiKeysController } from './api/api-keys.controller';
import { ApiKeysService } from './api-keys.service';

/** Shops' API keys and their exchange for access tokens (signed by the sessions' issuer). */
@Module({
  imports: [SessionsModule],
  controllers: [ShopApiKeysController, ApiKeyTokensController],
  providers: [ApiKeysService],
})
export class ApiKeysModule {}
