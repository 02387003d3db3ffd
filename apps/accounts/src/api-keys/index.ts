export { API_KEY_SCHEME } from './api/api-keys.controller';
export { apiKeysConfigShape, API_KEY_SCOPES } from './api-keys.config';
export { ApiKeys1768000000300 } from './api-keys.migration';
export { ApiKeysModule } from './api-keys.module';
