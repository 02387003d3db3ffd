import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { asyncApiFiles } from './asyncapi';
import { renderContractsDoc } from './render';

/** Writes docs/contracts.md and each service's AsyncAPI document from the schemas in libs/contracts. */
const root = join(__dirname, '../../..');
const files = [{ path: 'docs/contracts.md', text: renderContractsDoc() }, ...asyncApiFiles()];
for (const { path, text } of files) {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
