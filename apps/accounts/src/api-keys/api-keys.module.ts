import { Module } from '@nestjs/common';
import { retentionSweep, SERVICE_CONFIG } from '@petalpost/platform';
import { SessionsModule } from '../sessions';
import { ApiKeyTokensController, ShopApiKeysController } from './api/api-keys.controller';
import type { ApiKeysConfig } from './api-keys.config';
import { ApiKeysService } from './api-keys.service';

export const API_KEY_USES_RETENTION = Symbol('API_KEY_USES_RETENTION');

const apiKeyUsesRetention = retentionSweep(
  API_KEY_USES_RETENTION,
  (config: ApiKeysConfig) => ({
    table: 'api_key_uses',
    timeColumn: 'used_at',
    retentionMs: config.ACCOUNTS_API_KEY_USES_RETENTION_DAYS * 24 * 60 * 60_000,
    task: 'accounts.api-key-uses.retention',
  }),
  [SERVICE_CONFIG],
);

/** Shops' API keys and their exchange for access tokens (signed by the sessions' issuer). */
@Module({
  imports: [SessionsModule],
  controllers: [ShopApiKeysController, ApiKeyTokensController],
  providers: [ApiKeysService, apiKeyUsesRetention],
})
export class ApiKeysModule {}
