import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths as AccountsPaths } from './openapi/accounts';
import type { paths as DispatchPaths } from './openapi/dispatch';
import type { paths as MessagingPaths } from './openapi/messaging';
import type { paths as NotificationsPaths } from './openapi/notifications';
import type { paths as OrdersPaths } from './openapi/orders';

export type { AccountsPaths, DispatchPaths, MessagingPaths, NotificationsPaths, OrdersPaths };

/** A bearer token, or a function giving the current one (a browser's token is refreshed). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface ServiceClientOptions {
  token?: TokenSource;
  /** Defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

/** Sends `Authorization: Bearer <token>` unless the call sets its own Authorization header. */
export function bearerToken(token: TokenSource): Middleware {
  return {
    async onRequest({ request }) {
      const value = typeof token === 'function' ? await token() : token;
      if (value && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

function createServiceClient<Paths extends object>(baseUrl: string, options: ServiceClientOptions): Client<Paths> {
  const client = createClient<Paths>({ baseUrl, fetch: options.fetch });
  if (options.token !== undefined) client.use(bearerToken(options.token));
  return client;
}

/*
 * One typed client per service, on openapi-fetch: paths, parameters, bodies and answers are the
 * service's OpenAPI document's. Headers of one call go in its options, e.g.
 *   orders.POST('/orders/{orderId}/cancel', {
 *     params: { path: { orderId }, header: { 'If-Match': '"3"', 'Idempotency-Key': key } },
 *     body: { reason: 'customer changed their mind' },
 *   });
 * (`headers: { 'idempotency-key': key }` sends it where the document does not declare the header.)
 */
export type OrdersClient = Client<OrdersPaths>;
export type DispatchClient = Client<DispatchPaths>;
export type MessagingClient = Client<MessagingPaths>;
export type NotificationsClient = Client<NotificationsPaths>;
export type AccountsClient = Client<AccountsPaths>;

export const createOrdersClient = (baseUrl: string, options: ServiceClientOptions = {}): OrdersClient => createServiceClient<OrdersPaths>(baseUrl, options);
export const createDispatchClient = (baseUrl: string, options: ServiceClientOptions = {}): DispatchClient =>
  createServiceClient<DispatchPaths>(baseUrl, options);
export const createMessagingClient = (baseUrl: string, options: ServiceClientOptions = {}): MessagingClient =>
  createServiceClient<MessagingPaths>(baseUrl, options);
export const createNotificationsClient = (baseUrl: string, options: ServiceClientOptions = {}): NotificationsClient =>
  createServiceClient<NotificationsPaths>(baseUrl, options);
export const createAccountsClient = (baseUrl: string, options: ServiceClientOptions = {}): AccountsClient =>
  createServiceClient<AccountsPaths>(baseUrl, options);
