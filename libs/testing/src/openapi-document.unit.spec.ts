import { badExamples } from './openapi-document';

/** A small OpenAPI 3.1 document with an example in each place one can stand. */
const document = (examples: { schema?: unknown; property?: unknown; mediaType?: unknown; parameter?: unknown }) => ({
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/things/{thingId}': {
      post: {
        parameters: [
          { name: 'thingId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, examples: { one: { value: examples.parameter } } },
        ],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' }, example: examples.mediaType } } },
        responses: { '204': { description: 'done' } },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }], example: examples.property },
        },
        required: ['name'],
        additionalProperties: false,
        examples: [examples.schema],
      },
    },
  },
});

const good = {
  schema: { name: 'roses', at: null },
  property: '2026-02-14T09:00:00Z',
  mediaType: { name: 'tulips', at: '2026-02-14T09:00:00+01:00' },
  parameter: '7d1e4f5a-2b3c-4d5e-8f90-1a2b3c4d5e6f',
};

describe('badExamples', () => {
  it('finds nothing wrong with examples their schemas accept', () => {
    expect(badExamples(document(good))).toEqual([]);
  });

  it('names each example its schema refuses, wherever it stands, through $refs and formats', () => {
    const bad = badExamples(document({ schema: { name: 7 }, property: 'yesterday', mediaType: { name: 'tulips', colour: 'red' }, parameter: 'thing-1' }));
    expect(bad.map((b) => b.path)).toEqual([
      '/paths/~1things~1{thingId}/post/parameters/0/examples/one/value',
      '/paths/~1things~1{thingId}/post/requestBody/content/application~1json/example',
      '/components/schemas/Thing/examples/0',
      '/components/schemas/Thing/properties/at/example',
    ]);
    expect(bad[1].errors).toEqual(['(the example) must NOT have additional properties']);
  });
});
