import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { readGraphqlOperation, type GraphqlOperation } from './graphql-document';
import { header, mediaType, Refusal, startStandInServer, type StandInAnswer, type StandInRequest, type StandInServer } from './stand-in-server';

/**
 * A stand-in for one shop's Shopify GraphQL Admin API (shopify.dev/docs/api/admin-graphql), which
 * our machines cannot reach. It serves the three operations status write-back uses — the
 * `order { fulfillmentOrders }` query, `fulfillmentCreate` and `fulfillmentEventCreate` — and
 * refuses everything that does not match Shopify's documented request shape:
 * - `POST /admin/api/<version>/graphql.json` only, <version> a released quarter (`2026-04`) or `unstable`;
 * - `X-Shopify-Access-Token` equal to the shop's token (else 401, as Shopify answers);
 * - `Content-Type: application/json` with a body of exactly `{ query, variables?, operationName? }`;
 * - one operation whose root field is one of the three, its inputs passed as declared variables of
 *   the documented type, and the variables matching the documented input objects (unknown fields,
 *   missing required ones, a status outside `FulfillmentEventStatus` → a GraphQL error, HTTP 200, as
 *   Shopify answers invalid variables).
 * Business errors (a closed fulfillment order, an unknown fulfillment) come back as `userErrors`.
 * GraphQL selections are not executed: each operation answers a fixed shape (`nodes`, not `edges`);
 * the order query answers its `fulfillments` and `fulfillmentOrders`.
 */
export interface ShopifyAdminStandIn extends StandInServer {
  shopDomain: string;
  accessToken: string;
  apiVersion: string;
  /** Where the shop's GraphQL Admin API answers: what `https://<shop>.myshopify.com` is in production. */
  adminOrigin: string;
  graphqlUrl: string;
  /** An order the shop holds, with one open fulfillment order of `lineItems` items. */
  addOrder(orderId: number | string, lineItems?: Array<{ quantity: number }>): { orderGid: string; fulfillmentOrderId: string };
  /** Fulfillments created through `fulfillmentCreate`, each with the events created on it. */
  fulfillments(): ShopifyFulfillment[];
  /** The operations the stand-in accepted and carried out (not the refused or failed ones). */
  operations(): Array<{ field: 'order' | 'fulfillmentCreate' | 'fulfillmentEventCreate'; variables: Record<string, unknown> }>;
}

export interface ShopifyFulfillment {
  id: string;
  orderGid: string;
  fulfillmentOrderIds: string[];
  notifyCustomer: boolean;
  trackingInfo?: { company?: string; number?: string; url?: string };
  events: Array<{ id: string; status: string; happenedAt?: string; message?: string }>;
}

interface FulfillmentOrder {
  id: string;
  orderGid: string;
  status: 'OPEN' | 'CLOSED';
  lineItems: Array<{ id: string; totalQuantity: number; remainingQuantity: number }>;
}

/** FulfillmentEventStatus (shopify.dev/docs/api/admin-graphql/latest/enums/FulfillmentEventStatus). */
export const SHOPIFY_FULFILLMENT_EVENT_STATUSES = [
  'ATTEMPTED_DELIVERY',
  'CARRIER_PICKED_UP',
  'CONFIRMED',
  'DELAYED',
  'DELIVERED',
  'FAILURE',
  'IN_TRANSIT',
  'LABEL_PRINTED',
  'LABEL_PURCHASED',
  'OUT_FOR_DELIVERY',
  'PICKED_UP',
  'READY_FOR_PICKUP',
] as const;

const gid = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `a gid://shopify/${type}/<id>`);
const dateTime = z.iso.datetime({ offset: true });

// FulfillmentInput (…/input-objects/FulfillmentInput): lineItemsByFulfillmentOrder is required.
const fulfillmentInput = z.strictObject({
  lineItemsByFulfillmentOrder: z
    .array(
      z.strictObject({
        fulfillmentOrderId: gid('FulfillmentOrder'),
        fulfillmentOrderLineItems: z.array(z.strictObject({ id: gid('FulfillmentOrderLineItem'), quantity: z.number().int().positive() })).optional(),
      }),
    )
    .min(1),
  notifyCustomer: z.boolean().optional(),
  originAddress: z
    .strictObject({
      address1: z.string().optional(),
      address2: z.string().optional(),
      city: z.string().optional(),
      countryCode: z.string().length(2),
      provinceCode: z.string().optional(),
      zip: z.string().optional(),
    })
    .optional(),
  trackingInfo: z
    .strictObject({
      company: z.string().optional(),
      number: z.string().optional(),
      numbers: z.array(z.string()).optional(),
      url: z.url().optional(),
      urls: z.array(z.url()).optional(),
    })
    .optional(),
});

// FulfillmentEventInput (…/input-objects/FulfillmentEventInput): fulfillmentId and status are required.
const fulfillmentEventInput = z.strictObject({
  fulfillmentId: gid('Fulfillment'),
  status: z.enum(SHOPIFY_FULFILLMENT_EVENT_STATUSES),
  message: z.string().optional(),
  happenedAt: dateTime.optional(),
  estimatedDeliveryAt: dateTime.optional(),
  address1: z.string().optional(),
  city: z.string().optional(),
  province: z.string().optional(),
  country: z.string().optional(),
  zip: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});

const requestBody = z.strictObject({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
  operationName: z.string().nullable().optional(),
});

/** Each root field the stand-in serves: the operation kind, its argument → declared variable type, and the variable's schema. */
const FIELDS = {
  order: { kind: 'query', args: { id: { type: 'ID!', schema: gid('Order') } } },
  fulfillmentCreate: {
    kind: 'mutation',
    args: { fulfillment: { type: 'FulfillmentInput!', schema: fulfillmentInput }, message: { type: 'String', schema: z.string().optional() } },
  },
  fulfillmentEventCreate: { kind: 'mutation', args: { fulfillmentEvent: { type: 'FulfillmentEventInput!', schema: fulfillmentEventInput } } },
} as const;
type FieldName = keyof typeof FIELDS;

const API_VERSION = /^\/admin\/api\/(\d{4}-(?:01|04|07|10)|unstable)\/graphql\.json$/;

export async function startShopifyAdminStandIn(options: { shopDomain?: string; accessToken?: string; apiVersion?: string } = {}): Promise<ShopifyAdminStandIn> {
  const shopDomain = options.shopDomain ?? `petals-${randomBytes(4).toString('hex')}.myshopify.com`;
  const accessToken = options.accessToken ?? `shpat_${randomBytes(16).toString('hex')}`;
  const apiVersion = options.apiVersion ?? '2026-04';
  let nextId = 1000;
  const fulfillmentOrders = new Map<string, FulfillmentOrder>();
  const fulfillments = new Map<string, ShopifyFulfillment>();
  const operations: ReturnType<ShopifyAdminStandIn['operations']> = [];

  const graphqlError = (reason: string, code = 'INVALID_VARIABLE'): never => {
    throw new Refusal(200, reason, { errors: [{ message: reason, extensions: { code } }] });
  };

  const handle = (request: StandInRequest): StandInAnswer => {
    const version = API_VERSION.exec(request.path);
    if (!version) throw new Refusal(404, `no Admin API route ${request.path}`, { errors: 'Not Found' });
    if (request.method !== 'POST') throw new Refusal(405, `${request.method} on graphql.json`, { errors: 'Method Not Allowed' });
    if (header(request.headers, 'x-shopify-access-token') !== accessToken) {
      throw new Refusal(401, 'missing or wrong X-Shopify-Access-Token', {
        errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
      });
    }
    if (mediaType(request.headers) !== 'application/json')
      throw new Refusal(415, `Content-Type ${header(request.headers, 'content-type')}`, { errors: 'Unsupported Media Type' });
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(request.body);
    } catch {
      throw new Refusal(400, 'body is not JSON', { errors: 'Invalid JSON in request body' });
    }
    const body = requestBody.safeParse(parsedBody);
    if (!body.success) throw new Refusal(400, `body is not { query, variables }: ${body.error.message}`, { errors: 'Bad Request' });
    let operation: GraphqlOperation;
    try {
      operation = readGraphqlOperation(body.data.query);
    } catch (err) {
      return graphqlError(`parse error: ${(err as Error).message}`, 'GRAPHQL_PARSE_FAILED');
    }
    const variables = body.data.variables ?? {};
    if (operation.rootFields.length !== 1) return graphqlError('the stand-in serves one root field per operation', 'UNSUPPORTED');
    const [root] = operation.rootFields;
    if (!(root.name in FIELDS)) return graphqlError(`Field '${root.name}' is not served by the stand-in`, 'undefinedField');
    const field = root.name as FieldName;
    const spec = FIELDS[field];
    if (spec.kind !== operation.kind) return graphqlError(`${field} is a ${spec.kind}, asked as a ${operation.kind}`, 'undefinedField');

    const values: Record<string, unknown> = {};
    for (const [arg, written] of Object.entries(root.args)) {
      if (!(arg in spec.args)) return graphqlError(`Field '${field}' doesn't accept argument '${arg}'`, 'argumentNotAccepted');
      if (!written.startsWith('$')) return graphqlError(`argument '${arg}' must be passed as a variable`, 'UNSUPPORTED');
      const variable = written.slice(1);
      const expected = spec.args[arg as keyof typeof spec.args] as { type: string; schema: z.ZodType };
      if (operation.variableTypes[variable] !== expected.type) {
        return graphqlError(
          `Variable $${variable} is declared ${operation.variableTypes[variable] ?? 'nowhere'}, ${field}(${arg}:) takes ${expected.type}`,
          'variableMismatch',
        );
      }
      const value = expected.schema.safeParse(variables[variable]);
      if (!value.success) return graphqlError(`Variable $${variable} of type ${expected.type} was provided invalid value: ${value.error.message}`);
      values[arg] = value.data;
    }
    for (const [arg, { type }] of Object.entries(spec.args)) {
      if (type.endsWith('!') && !(arg in values)) return graphqlError(`Field '${field}' is missing required arguments: ${arg}`, 'missingRequiredArguments');
    }
    for (const declared of Object.keys(operation.variableTypes)) {
      if (!Object.values(root.args).includes(`$${declared}`)) return graphqlError(`Variable $${declared} is declared but not used`, 'variableNotUsed');
    }

    // A connection must be asked with first or last, or Shopify refuses the query.
    if (field === 'order' && !/fulfillmentOrders\s*\([^)]*\b(first|last)\s*:/.test(operation.text)) {
      return graphqlError('you must provide one of first or last on fulfillmentOrders', 'MISSING_PAGINATION');
    }
    operations.push({ field, variables: values });
    return { status: 200, body: { data: { [root.alias ?? field]: run(field, values) } } };
  };

  const run = (field: FieldName, values: Record<string, unknown>): unknown => {
    switch (field) {
      case 'order': {
        const orderGid = values.id as string;
        const held = [...fulfillmentOrders.values()].filter((fo) => fo.orderGid === orderGid);
        if (held.length === 0) return null;
        const tracking = (f: ShopifyFulfillment) =>
          f.trackingInfo ? [{ company: f.trackingInfo.company ?? null, number: f.trackingInfo.number ?? null, url: f.trackingInfo.url ?? null }] : [];
        return {
          id: orderGid,
          // Order.fulfillments is a plain list (not a connection) in the Admin API.
          fulfillments: [...fulfillments.values()]
            .filter((f) => f.orderGid === orderGid)
            .map((f) => ({ id: f.id, status: 'SUCCESS', trackingInfo: tracking(f) })),
          fulfillmentOrders: {
            nodes: held.map((fo) => ({
              id: fo.id,
              status: fo.status,
              lineItems: { nodes: fo.lineItems.map((li) => ({ id: li.id, totalQuantity: li.totalQuantity, remainingQuantity: li.remainingQuantity })) },
            })),
          },
        };
      }
      case 'fulfillmentCreate': {
        const input = values.fulfillment as z.infer<typeof fulfillmentInput>;
        const missing = input.lineItemsByFulfillmentOrder.find((pair) => !fulfillmentOrders.has(pair.fulfillmentOrderId));
        if (missing)
          return { fulfillment: null, userErrors: [{ field: ['fulfillment'], message: `Fulfillment order ${missing.fulfillmentOrderId} does not exist.` }] };
        const orders = input.lineItemsByFulfillmentOrder.flatMap((pair) => fulfillmentOrders.get(pair.fulfillmentOrderId) ?? []);
        const closed = orders.find((fo) => fo.status !== 'OPEN');
        if (closed)
          return {
            fulfillment: null,
            userErrors: [{ field: ['fulfillment'], message: `Fulfillment order ${closed.id} has an unfulfillable status= closed.` }],
          };
        for (const fo of orders) {
          fo.status = 'CLOSED';
          for (const li of fo.lineItems) li.remainingQuantity = 0;
        }
        const fulfillment: ShopifyFulfillment = {
          id: `gid://shopify/Fulfillment/${nextId++}`,
          orderGid: orders[0].orderGid,
          fulfillmentOrderIds: orders.map((fo) => fo.id),
          notifyCustomer: input.notifyCustomer ?? false,
          trackingInfo: input.trackingInfo && { company: input.trackingInfo.company, number: input.trackingInfo.number, url: input.trackingInfo.url },
          events: [],
        };
        fulfillments.set(fulfillment.id, fulfillment);
        const tracking = fulfillment.trackingInfo
          ? [{ company: fulfillment.trackingInfo.company ?? null, number: fulfillment.trackingInfo.number ?? null, url: fulfillment.trackingInfo.url ?? null }]
          : [];
        return { fulfillment: { id: fulfillment.id, status: 'SUCCESS', trackingInfo: tracking }, userErrors: [] };
      }
      case 'fulfillmentEventCreate': {
        const input = values.fulfillmentEvent as z.infer<typeof fulfillmentEventInput>;
        const fulfillment = fulfillments.get(input.fulfillmentId);
        if (!fulfillment)
          return { fulfillmentEvent: null, userErrors: [{ field: ['fulfillmentEvent', 'fulfillmentId'], message: 'Fulfillment does not exist.' }] };
        const event = { id: `gid://shopify/FulfillmentEvent/${nextId++}`, status: input.status, happenedAt: input.happenedAt, message: input.message };
        fulfillment.events.push(event);
        return { fulfillmentEvent: { id: event.id, status: event.status, message: event.message ?? null }, userErrors: [] };
      }
    }
  };

  const server = await startStandInServer(handle);
  return {
    ...server,
    shopDomain,
    accessToken,
    apiVersion,
    adminOrigin: server.baseUrl,
    graphqlUrl: `${server.baseUrl}/admin/api/${apiVersion}/graphql.json`,
    addOrder: (orderId, lineItems = [{ quantity: 1 }]) => {
      const orderGid = String(orderId).startsWith('gid://') ? String(orderId) : `gid://shopify/Order/${orderId}`;
      const fulfillmentOrder: FulfillmentOrder = {
        id: `gid://shopify/FulfillmentOrder/${nextId++}`,
        orderGid,
        status: 'OPEN',
        lineItems: lineItems.map((li) => ({
          id: `gid://shopify/FulfillmentOrderLineItem/${nextId++}`,
          totalQuantity: li.quantity,
          remainingQuantity: li.quantity,
        })),
      };
      fulfillmentOrders.set(fulfillmentOrder.id, fulfillmentOrder);
      return { orderGid, fulfillmentOrderId: fulfillmentOrder.id };
    },
    fulfillments: () => [...fulfillments.values()].map((f) => ({ ...f, events: [...f.events] })),
    operations: () => [...operations],
  };
}
