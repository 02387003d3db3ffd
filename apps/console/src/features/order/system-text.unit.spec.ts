import i18next, { type TFunction } from 'i18next';
import { type Language, resourcesFor } from '../../i18n/messages';
import type { Message } from './order-api';
import { systemText } from './system-text';

const riderId = '929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70';
const riders = new Map([[riderId, 'Li Wei']]);
const known = (id: string) => riders.get(id);
const nobody = () => undefined;

async function wordsIn(language: Language): Promise<TFunction> {
  const instance = i18next.createInstance();
  await instance.init({ lng: language, resources: { [language]: { translation: resourcesFor(language) } }, interpolation: { escapeValue: false } });
  return instance.t;
}

type Note = Pick<Message, 'text' | 'system'>;
const outWithRider: Note = { text: `Out for delivery with ${riderId}`, system: { kind: 'out_for_delivery', riderId } };
const outToCustomer: Note = { text: 'Out for delivery', system: { kind: 'out_for_delivery' } };
const delivered: Note = { text: 'Delivered', system: { kind: 'delivered' } };

describe("the service's own messages in the reader's words", () => {
  it('names the rider the service names by the name the reader knows, in either language', async () => {
    expect(systemText(outWithRider, known, await wordsIn('en'))).toBe('Out for delivery with Li Wei');
    expect(systemText(outWithRider, known, await wordsIn('zh-CN'))).toBe('Li Wei 已出发配送');
  });

  it('leaves a rider the reader cannot name unnamed rather than showing their id', async () => {
    expect(systemText(outWithRider, nobody, await wordsIn('en'))).toBe('Out for delivery');
    expect(systemText(outWithRider, nobody, await wordsIn('zh-CN'))).toBe('已出发配送');
  });

  it('words the customer channel’s notes, which name no rider, and "delivered"', async () => {
    const zh = await wordsIn('zh-CN');
    expect([outToCustomer, delivered].map((note) => systemText(note, known, zh))).toEqual(['已出发配送', '已送达']);
    const en = await wordsIn('en');
    expect([outToCustomer, delivered].map((note) => systemText(note, known, en))).toEqual(['Out for delivery', 'Delivered']);
  });

  it('reads a message that does not say what it is, or says something unknown here, as the service wrote it', async () => {
    const zh = await wordsIn('zh-CN');
    expect(systemText({ text: 'Delivered' }, known, zh)).toBe('Delivered');
    const newer = { text: 'Back at the shop', system: { kind: 'returned' } } as unknown as Note;
    expect(systemText(newer, known, zh)).toBe('Back at the shop');
  });
});
