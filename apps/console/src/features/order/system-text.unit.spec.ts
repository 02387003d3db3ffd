import { readSystemText } from './system-text';

describe("reading the service's own messages", () => {
  it('finds the rider in "Out for delivery with <rider>"', () => {
    expect(readSystemText('Out for delivery with 929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70')).toEqual({
      kind: 'outForDelivery',
      riderId: '929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70',
    });
  });

  it('reads the customer\'s "Out for delivery", which names no rider, and "Delivered"', () => {
    expect(readSystemText('Out for delivery')).toEqual({ kind: 'outForDelivery' });
    expect(readSystemText('Delivered')).toEqual({ kind: 'delivered' });
  });

  it('keeps any other text as the service wrote it', () => {
    expect(readSystemText('Delivered to the neighbour at 12')).toEqual({ kind: 'other', text: 'Delivered to the neighbour at 12' });
    expect(readSystemText('Out for delivery with two riders today')).toEqual({ kind: 'other', text: 'Out for delivery with two riders today' });
  });
});
