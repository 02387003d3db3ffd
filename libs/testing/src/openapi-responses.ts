import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';

interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
}

/** One answer of a service, as a client saw it. */
export interface Answer {
  method: string;
  /** The documented path, e.g. /orders/{orderId}. */
  path: string;
  status: number;
  contentType: string | null;
  body: string;
}

/** `GET /orders/{orderId} 200: /status must be equal to one of the allowed values` */
export type Mismatch = string;

/**
 * Checks a service's answers against its own OpenAPI document: the status is documented for the
 * operation, and the body is of a documented media type and, when JSON, valid against its schema.
 * Schemas are resolved inside the document (`$ref: '#/components/schemas/…'`), the whole document
 * being given to ajv under an id of its own.
 */
export class OpenApiResponseChecker {
  /** The operations answers were checked for, as `GET /orders/{orderId}`. */
  readonly checked = new Set<string>();
  /** Every mismatch seen by middleware(), to assert on once the requests of a test are done. */
  readonly mismatches: Mismatch[] = [];
  private readonly ajv: Ajv2020;
  private readonly id: string;

  constructor(
    private readonly document: unknown,
    name: string,
  ) {
    this.id = `urn:openapi:${name}`;
    // OpenAPI keywords a schema object may carry besides JSON Schema 2020-12's; strict mode refuses any other unknown one.
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }).addVocabulary([
      'example',
      'discriminator',
      'xml',
      'externalDocs',
    ]);
    addFormats(this.ajv);
    // The document's own top-level fields are not schema keywords: known, so strict mode lets the document be a schema resource.
    this.ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']);
    this.ajv.addSchema({ ...(document as object), $id: this.id });
  }

  /** The operations of the document, as `GET /orders/{orderId}`. */
  operations(): string[] {
    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    return Object.entries((this.document as OpenApiDocument).paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => methods.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /** What is wrong with one answer; nothing when the document describes it. */
  check(answer: Answer): Mismatch[] {
    const operation = `${answer.method.toUpperCase()} ${answer.path}`;
    this.checked.add(operation);
    const where = `${operation} ${answer.status}`;
    const responses = (this.document as OpenApiDocument).paths[answer.path]?.[answer.method.toLowerCase()]?.responses;
    if (!responses) return [`${operation}: not an operation of the document`];
    const code = [String(answer.status), `${String(answer.status)[0]}XX`, 'default'].find((c) => c in responses);
    if (!code) return [`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`];

    let pointer = `#/paths/${escape(answer.path)}/${answer.method.toLowerCase()}/responses/${code}`;
    let response = responses[code];
    if (response.$ref) {
      pointer = response.$ref;
      response = this.resolve(response.$ref) as ResponseObject;
    }
    const content = response.content ?? {};
    if (answer.body.length === 0) return Object.keys(content).length > 0 ? [`${where}: no body, documented: ${Object.keys(content).join(', ')}`] : [];
    const mediaType = (answer.contentType ?? '').split(';')[0].trim().toLowerCase();
    const documented = Object.keys(content).find((type) => mediaTypeMatches(type, mediaType));
    if (!documented) {
      const expected = Object.keys(content).join(', ') || 'no body';
      return [`${where}: a body of type ${mediaType || '(none)'}, documented: ${expected}`];
    }
    if (!isJson(mediaType) || content[documented].schema === undefined) return [];

    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [`${where}: the body is not JSON although its type is ${mediaType}`];
    }
    let validate: ValidateFunction | undefined;
    try {
      validate = this.ajv.getSchema(`${this.id}${pointer}/content/${escape(documented)}/schema`);
    } catch (err) {
      return [`${where}: its documented schema is not valid JSON Schema 2020-12: ${(err as Error).message}`];
    }
    if (!validate) return [`${where}: no schema at ${pointer}`];
    return validate(body) ? [] : [`${where}: ${describe(validate.errors ?? [])}`];
  }

  /** Checks every answer of a typed client (`client.use(checker.middleware())`), keeping its mismatches. */
  middleware(): Middleware {
    return {
      onResponse: async ({ request, response, schemaPath }) => {
        const body = await response.clone().text();
        this.mismatches.push(
          ...this.check({ method: request.method, path: schemaPath, status: response.status, contentType: response.headers.get('content-type'), body }),
        );
        return response;
      },
    };
  }

  private resolve(ref: string): unknown {
    return ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], this.document);
  }
}

/** A JSON pointer's escaping of one path segment, URI-encoded so it can follow an id. */
function escape(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function mediaTypeMatches(documented: string, actual: string): boolean {
  if (documented === '*/*' || documented === actual) return true;
  return documented.endsWith('/*') && actual.startsWith(documented.slice(0, -1));
}

function describe(errors: ErrorObject[]): string {
  return errors
    .map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}
