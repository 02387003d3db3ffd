import { type Answer, OpenApiResponseChecker } from './openapi-responses';

const errorBody = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } };
const document = {
  openapi: '3.1.0',
  info: { title: 'Bouquets', version: '1' },
  paths: {
    '/bouquets/{bouquetId}': {
      get: {
        responses: {
          200: { description: 'The bouquet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Bouquet' } } } },
          404: { $ref: '#/components/responses/NotFound' },
          '5XX': { description: 'A failure', ...errorBody },
        },
      },
      delete: { responses: { 204: { description: 'Gone' } } },
    },
    '/bouquets/{bouquetId}/photo': {
      get: { responses: { 200: { description: 'The photo', content: { 'image/*': { schema: { type: 'string', contentMediaType: 'image/jpeg' } } } } } },
    },
  },
  components: {
    schemas: {
      Bouquet: {
        type: 'object',
        properties: { bouquetId: { type: 'string', format: 'uuid' }, flowers: { type: 'integer', minimum: 1 }, note: { type: ['string', 'null'] } },
        required: ['bouquetId', 'flowers'],
        additionalProperties: false,
        example: { bouquetId: '0b7c8a3e-6c1f-4d5e-9a41-2f5d3c8e1a90', flowers: 12 },
      },
      ErrorBody: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
    },
    responses: { NotFound: { description: 'Not found', ...errorBody } },
  },
};

const bouquetId = '0b7c8a3e-6c1f-4d5e-9a41-2f5d3c8e1a90';
const json = (method: string, path: string, status: number, body: unknown): Answer => ({
  method,
  path,
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});

describe('OpenApiResponseChecker', () => {
  const checker = new OpenApiResponseChecker(document, 'bouquets');

  it('accepts an answer its document describes, resolving schemas into the components', () => {
    expect(checker.check(json('GET', '/bouquets/{bouquetId}', 200, { bouquetId, flowers: 12, note: null }))).toEqual([]);
    expect(checker.check(json('GET', '/bouquets/{bouquetId}', 404, { code: 'BOUQUET_NOT_FOUND' }))).toEqual([]);
    expect(checker.check(json('GET', '/bouquets/{bouquetId}', 503, { code: 'UNAVAILABLE' }))).toEqual([]);
    expect(checker.check({ method: 'DELETE', path: '/bouquets/{bouquetId}', status: 204, contentType: null, body: '' })).toEqual([]);
    expect(checker.check({ method: 'GET', path: '/bouquets/{bouquetId}/photo', status: 200, contentType: 'image/jpeg', body: '\xff\xd8' })).toEqual([]);
  });

  it('names the operation, the status and each field of a body that does not match its schema', () => {
    expect(checker.check(json('GET', '/bouquets/{bouquetId}', 200, { bouquetId: 'seven', flowers: 0, colour: 'red' }))).toEqual([
      'GET /bouquets/{bouquetId} 200: (body) must NOT have additional properties {"additionalProperty":"colour"}; /bouquetId must match format "uuid" {"format":"uuid"}; /flowers must be >= 1 {"comparison":">=","limit":1}',
    ]);
    expect(checker.check(json('GET', '/bouquets/{bouquetId}', 404, { message: 'no such bouquet' }))).toEqual([
      'GET /bouquets/{bouquetId} 404: (body) must have required property \'code\' {"missingProperty":"code"}',
    ]);
  });

  it('refuses an undocumented status, media type or body, and an answer without its documented body', () => {
    expect(checker.check(json('GET', '/bouquets/{bouquetId}', 409, { code: 'CONFLICT' }))).toEqual([
      'GET /bouquets/{bouquetId} 409: status not documented (documented: 200, 404, 5XX)',
    ]);
    expect(checker.check({ ...json('GET', '/bouquets/{bouquetId}', 200, {}), contentType: 'text/html' })).toEqual([
      'GET /bouquets/{bouquetId} 200: a body of type text/html, documented: application/json',
    ]);
    expect(checker.check(json('DELETE', '/bouquets/{bouquetId}', 204, {}))).toEqual([
      'DELETE /bouquets/{bouquetId} 204: a body of type application/json, documented: no body',
    ]);
    expect(checker.check({ ...json('GET', '/bouquets/{bouquetId}', 200, {}), body: '' })).toEqual([
      'GET /bouquets/{bouquetId} 200: no body, documented: application/json',
    ]);
    expect(checker.check(json('PUT', '/bouquets/{bouquetId}', 200, {}))).toEqual(['PUT /bouquets/{bouquetId}: not an operation of the document']);
  });

  it('names a documented schema that is not JSON Schema 2020-12, such as an OpenAPI 3.0 exclusiveMinimum', () => {
    const legacy = new OpenApiResponseChecker(
      {
        openapi: '3.1.0',
        paths: {
          '/count': { get: { responses: { 200: { content: { 'application/json': { schema: { type: 'integer', exclusiveMinimum: true, minimum: 0 } } } } } } },
        },
      },
      'legacy',
    );
    expect(legacy.check(json('GET', '/count', 200, 1))).toEqual([
      'GET /count 200: its documented schema is not valid JSON Schema 2020-12: exclusiveMinimum value must be ["number"]',
    ]);
  });

  it('knows the document’s operations and which of them it has checked an answer of', () => {
    expect(checker.operations()).toEqual(['GET /bouquets/{bouquetId}', 'DELETE /bouquets/{bouquetId}', 'GET /bouquets/{bouquetId}/photo']);
    expect([...checker.checked].sort()).toEqual([
      'DELETE /bouquets/{bouquetId}',
      'GET /bouquets/{bouquetId}',
      'GET /bouquets/{bouquetId}/photo',
      'PUT /bouquets/{bouquetId}',
    ]);
  });
});
