import { createZodDto as nestjsZodDto } from 'nestjs-zod';

type PropertyMetadata = Record<string, unknown> & { type?: unknown };

/**
 * nestjs-zod's createZodDto, with one repair: a field of the DTO's own object whose JSON Schema
 * is a bare type union (`z.string().nullable()` becomes `type: ["string", "null"]` since zod 4.5)
 * reaches @nestjs/swagger as `anyOf`, because swagger reads a `type` array as "an array of the
 * first type" and the document would say `string[]` (nestjs-zod issue 473). Deeper fields are
 * left as they are: swagger does not touch them.
 */
export const createZodDto = ((schema, options) => repaired(nestjsZodDto(schema, options) as unknown as DocumentedClass)) as typeof nestjsZodDto;

/** What @nestjs/swagger reads of a DTO class: the properties' schemas (and nestjs-zod's output twin). */
interface DocumentedClass {
  _OPENAPI_METADATA_FACTORY(): unknown;
}

/**
 * Swagger reads the factory of every class up a DTO's chain and merges what they say, so the
 * class nestjs-zod made is repaired in place (it is made afresh for each DTO), as is its output twin.
 */
function repaired<T extends DocumentedClass>(Dto: T): T {
  const factory = Dto._OPENAPI_METADATA_FACTORY;
  Object.defineProperty(Dto, '_OPENAPI_METADATA_FACTORY', {
    value(this: DocumentedClass) {
      return spellTypeUnions(factory.call(this));
    },
  });
  const output = Object.getOwnPropertyDescriptor(Dto, 'Output')?.get;
  if (output) {
    Object.defineProperty(Dto, 'Output', {
      get(this: DocumentedClass) {
        return repaired(output.call(this) as DocumentedClass);
      },
    });
  }
  return Dto;
}

/** `{ type: ["string", "null"] }` as `{ anyOf: [{ type: "string" }, { type: "null" }] }`; nestjs-zod drops the empty `type` left behind. */
function spellTypeUnions(properties: unknown): unknown {
  if (!properties || typeof properties !== 'object') return properties;
  return Object.fromEntries(
    Object.entries(properties as Record<string, PropertyMetadata>).map(([name, property]) =>
      Array.isArray(property.type) ? [name, { ...property, type: '', anyOf: property.type.map((type: unknown) => ({ type })) }] : [name, property],
    ),
  );
}
