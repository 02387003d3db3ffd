import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** An example that its own schema refuses: where it is (a JSON pointer into the document) and why. */
export interface BadExample {
  path: string;
  errors: string[];
}

const DOCUMENT_ID = 'openapi.json';

/**
 * Checks values against the schemas of an OpenAPI 3.1 document with JSON Schema 2020-12 (the
 * document's dialect), formats included; `$ref`s resolve within the document.
 */
export function openApiValidator(document: object): (schemaPointer: string, value: unknown) => string[] {
  // Unknown keywords are errors (a leftover of OpenAPI 3.0 such as `nullable` would mean nothing here).
  const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false });
  addFormats(ajv);
  // The keywords OpenAPI's dialect adds to JSON Schema: annotations, nothing to check.
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  // The document is added as a schema that checks nothing itself, so its schemas are reachable by pointer, $refs included.
  ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']);
  ajv.addSchema(document, DOCUMENT_ID, undefined, false);
  return (schemaPointer, value) => {
    const validate = ajv.getSchema(`${DOCUMENT_ID}#${schemaPointer.split('/').map(encodeURIComponent).join('/')}`);
    if (!validate) throw new Error(`no schema at ${schemaPointer}`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(the example)'} ${e.message ?? e.keyword}`);
  };
}

/**
 * Every example of the document checked against its own schema: `example` and `examples` of
 * schemas (at any depth), of parameters, headers and media types.
 */
export function badExamples(document: Record<string, unknown>): BadExample[] {
  const validate = openApiValidator(document);
  const bad: BadExample[] = [];
  const check = (path: string, schemaPath: string, value: unknown) => {
    const errors = validate(schemaPath, value);
    if (errors.length > 0) bad.push({ path, errors });
  };

  const inSchema = (schema: unknown, path: string): void => {
    if (!isObject(schema)) return;
    if ('example' in schema) check(`${path}/example`, path, schema.example);
    if (Array.isArray(schema.examples)) schema.examples.forEach((value, i) => check(`${path}/examples/${i}`, path, value));
    for (const [keyword, value] of Object.entries(schema)) {
      if (SUBSCHEMA.has(keyword)) inSchema(value, `${path}/${keyword}`);
      else if (SUBSCHEMA_LISTS.has(keyword) && Array.isArray(value)) value.forEach((sub, i) => inSchema(sub, `${path}/${keyword}/${i}`));
      else if (SUBSCHEMA_MAPS.has(keyword) && isObject(value))
        for (const [name, sub] of Object.entries(value)) inSchema(sub, `${path}/${keyword}/${pointer(name)}`);
    }
  };

  // Parameters, headers and media types carry a schema and their own examples of it.
  const inDocument = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => inDocument(item, `${path}/${i}`));
    if (!isObject(node)) return;
    if (isObject(node.schema)) {
      if ('example' in node) check(`${path}/example`, `${path}/schema`, node.example);
      if (isObject(node.examples)) {
        for (const [name, example] of Object.entries(node.examples)) {
          if (isObject(example) && 'value' in example) check(`${path}/examples/${pointer(name)}/value`, `${path}/schema`, example.value);
        }
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples') continue;
      if (key === 'schema') inSchema(value, `${path}/schema`);
      else if (key === 'schemas' && path === '/components' && isObject(value)) {
        for (const [name, schema] of Object.entries(value)) inSchema(schema, `${path}/schemas/${pointer(name)}`);
      } else inDocument(value, `${path}/${pointer(key)}`);
    }
  };

  inDocument(document, '');
  return bad;
}

const SUBSCHEMA = new Set([
  'items',
  'additionalProperties',
  'not',
  'propertyNames',
  'contains',
  'if',
  'then',
  'else',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contentSchema',
]);
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A key as a JSON pointer segment (RFC 6901). */
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
