import type { TFunction } from 'i18next';
import type { Message } from './order-api';

/**
 * A message the messaging service writes from the order's progress (no author), in the reader's
 * words: the service says what it is (`system`), and a rider it names is shown by the name the
 * reader knows them by, or left unnamed rather than shown by id. A message from before the service
 * said so, or of a kind this console does not know yet, reads as the service wrote it.
 */
export function systemText(message: Pick<Message, 'text' | 'system'>, riderName: (riderId: string) => string | undefined, t: TFunction): string {
  const note = message.system;
  switch (note?.kind) {
    case 'out_for_delivery': {
      const rider = note.riderId === undefined ? undefined : riderName(note.riderId);
      return rider ? t('order.chat.auto.outForDeliveryWith', { rider }) : t('order.chat.auto.outForDelivery');
    }
    case 'delivered':
      return t('order.chat.auto.delivered');
    default:
      return message.text;
  }
}
