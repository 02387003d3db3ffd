import {
  createAccountsClient,
  createDispatchClient,
  createMessagingClient,
  createNotificationsClient,
  createOrdersClient,
  type TokenSource,
} from '@petalpost/api-clients';

/**
 * One typed client per service, all through this origin's gateway, which routes /api/<service>/…
 * to the service. The clients come from the services' OpenAPI documents: an app never imports
 * a service's code.
 */
export function createServiceApis(token: TokenSource) {
  const options = { token };
  return {
    orders: createOrdersClient('/api/orders', options),
    dispatch: createDispatchClient('/api/dispatch', options),
    messaging: createMessagingClient('/api/messaging', options),
    notifications: createNotificationsClient('/api/notifications', options),
    accounts: createAccountsClient('/api/accounts', options),
  };
}
export type ServiceApis = ReturnType<typeof createServiceApis>;

/** A refusal from a service, in its error body's words (code, message, details). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * Unwraps an openapi-fetch answer: its data, or an ApiError thrown with the service's own code
 * and message, for the screen to show in the reader's language.
 */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const e = (error ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(response.status, e.code ?? `HTTP_${response.status}`, e.message ?? response.statusText, e.details);
  }
  return body as T;
}

/** A fresh key per user action, so a retry after a lost answer is recorded once. */
export const idempotencyKey = (): string => crypto.randomUUID();
