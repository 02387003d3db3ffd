import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderContractsDoc } from './render';

/** Writes docs/contracts.md from the schemas in libs/contracts. */
const target = join(__dirname, '../../../docs/contracts.md');
writeFileSync(target, renderContractsDoc());
console.log(`wrote ${target}`);
