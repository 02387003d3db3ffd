/**
 * Just enough of a GraphQL reader for the Shopify stand-in: the one operation of a document, its
 * variable definitions, and its root fields with their arguments. Shopify's real endpoint runs a full
 * GraphQL server; the stand-in only needs to know which mutation or query was asked for and with
 * which variables, so it can refuse anything else.
 */
export interface GraphqlOperation {
  kind: 'query' | 'mutation';
  name?: string;
  /** `$name` → its declared type as written, e.g. `FulfillmentInput!`. */
  variableTypes: Record<string, string>;
  rootFields: Array<{ name: string; alias?: string; args: Record<string, string> }>;
  /** The document with comments removed, for checks on nested selections. */
  text: string;
}

export function readGraphqlOperation(document: string): GraphqlOperation {
  const text = document.replace(/#[^\n\r]*/g, '').trim();
  const head = /^(query|mutation|subscription)\b\s*([A-Za-z_]\w*)?\s*(\(([^)]*)\))?\s*\{/.exec(text);
  const anonymous = text.startsWith('{');
  if (!head && !anonymous) throw new Error('the document does not start with an operation');
  if (head?.[1] === 'subscription') throw new Error('subscriptions are not served over graphql.json');
  const kind = (head?.[1] ?? 'query') as 'query' | 'mutation';
  const variableTypes: Record<string, string> = {};
  for (const match of (head?.[4] ?? '').matchAll(/\$([A-Za-z_]\w*)\s*:\s*([\w[\]!]+)/g)) variableTypes[match[1]] = match[2];

  const open = head ? head[0].length - 1 : 0;
  const close = matchingBrace(text, open);
  if (text.slice(close + 1).trim() !== '') throw new Error('the document holds more than one operation');
  return { kind, name: head?.[2], variableTypes, rootFields: rootFields(text.slice(open + 1, close)), text };
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return i;
  }
  throw new Error('unbalanced braces');
}

/** The fields at the top of a selection set, each with its arguments as written (`name: $var`). */
function rootFields(selection: string): GraphqlOperation['rootFields'] {
  const fields: GraphqlOperation['rootFields'] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < selection.length && /[\s,]/.test(selection[i])) i++;
  };
  const word = () => {
    const match = /^[A-Za-z_]\w*/.exec(selection.slice(i));
    if (!match) throw new Error(`unexpected "${selection.slice(i, i + 20)}"`);
    i += match[0].length;
    return match[0];
  };
  for (skipSpace(); i < selection.length; skipSpace()) {
    let name = word();
    let alias: string | undefined;
    skipSpace();
    if (selection[i] === ':') {
      i++;
      skipSpace();
      alias = name;
      name = word();
      skipSpace();
    }
    const args: Record<string, string> = {};
    if (selection[i] === '(') {
      const end = selection.indexOf(')', i);
      if (end < 0) throw new Error('unbalanced parentheses');
      for (const match of selection.slice(i + 1, end).matchAll(/([A-Za-z_]\w*)\s*:\s*([^,\s)]+(?:\s*\{[^}]*\})?)/g)) args[match[1]] = match[2];
      i = end + 1;
      skipSpace();
    }
    if (selection[i] === '{') i = matchingBrace(selection, i) + 1;
    fields.push({ name, alias, args });
  }
  return fields;
}
