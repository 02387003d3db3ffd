import { shareSchemas } from './shared-schemas';

const uuid = { type: 'string', format: 'uuid', pattern: '^[0-9a-f-]{36}$' };
const geo = { type: 'object', properties: { lat: { type: 'number' }, lng: { type: 'number' } }, required: ['lat', 'lng'] };
const address = { type: 'object', properties: { text: { type: 'string' }, geo }, required: ['text'] };

describe('writing what recurs once', () => {
  it('refers to a named schema wherever it stands, also inside another named one', () => {
    const { schemas, components } = shareSchemas(
      { a: { type: 'object', properties: { from: address, at: geo } } },
      { Address: address, GeoPoint: geo, Unused: { type: 'object', properties: { x: { type: 'string' } } } },
    );

    expect(schemas.a).toEqual({
      type: 'object',
      properties: { from: { $ref: '#/components/schemas/Address' }, at: { $ref: '#/components/schemas/GeoPoint' } },
    });
    expect(components).toEqual({
      Address: { ...address, properties: { text: { type: 'string' }, geo: { $ref: '#/components/schemas/GeoPoint' } } },
      GeoPoint: geo,
    });
  });

  it('names a string with a format and its pattern after the format, keeping the pattern', () => {
    const { schemas, components } = shareSchemas({ a: { type: 'object', properties: { id: uuid, other: uuid } } }, {});

    expect(schemas.a.properties).toEqual({ id: { $ref: '#/components/schemas/Uuid' }, other: { $ref: '#/components/schemas/Uuid' } });
    expect(components).toEqual({ Uuid: uuid });
  });

  it('keeps the description a match carries, beside its reference', () => {
    const { schemas } = shareSchemas({ a: { ...geo, description: 'Where it was' } }, { GeoPoint: geo });

    expect(schemas.a).toEqual({ description: 'Where it was', allOf: [{ $ref: '#/components/schemas/GeoPoint' }] });
  });

  it('leaves alone what only resembles a named schema', () => {
    const stricter = { ...geo, additionalProperties: false };
    const { schemas, components } = shareSchemas({ a: stricter, b: { type: 'string', format: 'uuid' } }, { GeoPoint: geo });

    expect(schemas).toEqual({ a: stricter, b: { type: 'string', format: 'uuid' } });
    expect(components).toEqual({});
  });
});
