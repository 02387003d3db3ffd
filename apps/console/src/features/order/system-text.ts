import type { TFunction } from 'i18next';

/**
 * What the messaging service writes from the order's progress (messages without an author). Its
 * API gives such a message as English text only, naming the rider by id, so the known sentences
 * are read back here and told in the reader's language; any other stays as written.
 */
export type SystemNote = { kind: 'outForDelivery'; riderId?: string } | { kind: 'delivered' } | { kind: 'other'; text: string };

export function readSystemText(text: string): SystemNote {
  const trimmed = text.trim();
  const withRider = /^Out for delivery with (\S+)$/.exec(trimmed);
  if (withRider) return { kind: 'outForDelivery', riderId: withRider[1] };
  if (trimmed === 'Out for delivery') return { kind: 'outForDelivery' };
  if (trimmed === 'Delivered') return { kind: 'delivered' };
  return { kind: 'other', text };
}

/** The note in the reader's words; a rider whose name the reader may not see is left unnamed rather than shown by id. */
export function systemText(text: string, riderName: (riderId: string) => string | undefined, t: TFunction): string {
  const note = readSystemText(text);
  switch (note.kind) {
    case 'outForDelivery': {
      const rider = note.riderId === undefined ? undefined : riderName(note.riderId);
      return rider ? t('order.chat.auto.outForDeliveryWith', { rider }) : t('order.chat.auto.outForDelivery');
    }
    case 'delivered':
      return t('order.chat.auto.delivered');
    case 'other':
      return note.text;
  }
}
