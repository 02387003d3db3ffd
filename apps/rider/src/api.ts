import { createServiceApis } from '@petalpost/web-kit';
import { freshToken } from './session';

export { ApiError, data, idempotencyKey } from '@petalpost/web-kit';

export const api = createServiceApis(freshToken);
