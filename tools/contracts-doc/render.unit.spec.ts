import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderContractsDoc } from './render';

describe('docs/contracts.md', () => {
  it('says what the schemas in libs/contracts say (else: npm run contracts:docs)', () => {
    expect(readFileSync(join(__dirname, '../../docs/contracts.md'), 'utf8')).toBe(renderContractsDoc());
  });

  it('lists each order event with its fields, required ones marked', () => {
    const doc = renderContractsDoc();
    expect(doc).toContain('### OrderPlaced v2');
    expect(doc).toContain('Older versions (v1) are upcast to v2 when read.');
    expect(doc).toMatch(/\| `recipient\.address\.text` \| string \| yes \|/);
    expect(doc).toMatch(/\| `reference` \| string \| {2}\|/);
  });

  it('lists each conversation event of messaging.events with its fields', () => {
    const doc = renderContractsDoc();
    expect(doc).toContain('## Conversation events (`messaging.events`)');
    expect(doc).toContain('### MessagePosted v1');
    expect(doc).toMatch(/\| `mentions` \| string\[\] \| yes \|/);
    expect(doc).toMatch(/\| `channel` \| `internal` \\\| `customer` \| yes \|/);
  });
});

describe('docs/contracts.md for an integrator', () => {
  it('says who produces and reads each topic, and who sends each command', () => {
    const doc = renderContractsDoc();
    expect(doc).toMatch(/\| `orders\.commands` \| order id \| 3 \| 7 days \| dispatch, messaging \| `petalpost\.orders\.commands` \|/);
    expect(doc).toMatch(/### AssignRider v1\n\nSent by dispatch\./);
    expect(doc).toMatch(/### PostCustomerMessage v1\n\nSent by notifications\./);
  });

  it("links each service's AsyncAPI document", () => {
    for (const service of ['orders', 'dispatch', 'messaging', 'notifications']) {
      expect(renderContractsDoc()).toContain(`| ${service} | [docs/asyncapi/${service}.asyncapi.json](asyncapi/${service}.asyncapi.json) |`);
    }
  });
});
