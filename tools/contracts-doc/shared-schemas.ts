import type { Schema } from './headers';

/**
 * Writes each schema that recurs once: every subschema equal to one of `named` becomes a `$ref` to
 * `components/schemas/<name>`, and so does every string zod writes with both a `format` and the
 * `pattern` that checks it (a uuid, a date-time), named after its format. Nothing is dropped: a
 * match is the same schema, and a description the match carries beside it is kept (in `allOf`, as
 * draft-07 ignores what stands beside a `$ref`). Returns the rewritten schemas and the components
 * they use, in the order of their names.
 */
export function shareSchemas<T extends Record<string, Schema>>(schemas: T, named: Record<string, Schema>): { schemas: T; components: Record<string, Schema> } {
  const byKey = new Map<string, string>();
  const candidates = new Map<string, Schema>();
  for (const [name, schema] of Object.entries(named)) {
    if (byKey.has(keyOf(schema))) continue;
    byKey.set(keyOf(schema), name);
    candidates.set(name, schema);
  }
  const used = new Set<string>();

  const nameOf = (schema: Schema): string | undefined => {
    const known = byKey.get(keyOf(schema));
    if (known) return known;
    const { type, format, pattern, ...rest } = schema;
    if (type !== 'string' || typeof format !== 'string' || typeof pattern !== 'string' || Object.keys(rest).length > 0) return undefined;
    const name = pascal(format);
    if (candidates.has(name)) throw new Error(`two ${format} patterns: ${name} needs names of its own`);
    byKey.set(keyOf(schema), name);
    candidates.set(name, schema);
    return name;
  };

  const share = (node: unknown, root?: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => share(item));
    if (!isSchema(node)) return node;
    const { description, ...rest } = node;
    const name = nameOf(node) ?? (typeof description === 'string' ? nameOf(rest) : undefined);
    if (name && name !== root) {
      used.add(name);
      const ref = { $ref: `#/components/schemas/${name}` };
      return nameOf(node) === name ? ref : { description, allOf: [ref] };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, share(value)]));
  };

  const shared = Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, share(schema)])) as T;
  const components: Record<string, Schema> = {};
  // A component may use others: share inside each until no new one is used.
  for (let done = 0; done < used.size;) {
    done = used.size;
    for (const name of [...used]) components[name] ??= share(candidates.get(name), name) as Schema;
  }
  return { schemas: shared, components: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))) };
}

function isSchema(node: unknown): node is Schema {
  return typeof node === 'object' && node !== null;
}

/** The same key for equal schemas, whatever the order of their properties. */
function keyOf(schema: unknown): string {
  return JSON.stringify(schema, (_key, value: unknown) =>
    isSchema(value) && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value,
  );
}

function pascal(format: string): string {
  return format.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase());
}
