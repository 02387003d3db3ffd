import { addDays, shopInstant } from '../../shop-clock';

/** What staff type to place a held order: the day and window on the shop's clock, and the recipient when it was missing. */
export interface ResolveDraft {
  /** YYYY-MM-DD on the shop's clock. */
  date: string;
  /** HH:MM on the shop's clock. */
  from: string;
  to: string;
  recipientName: string;
  recipientPhone: string;
  addressText: string;
  /** A note the platform's words could not read with certainty (unclear_note): the card and the anonymity as staff read them. */
  cardMessage: string;
  anonymousSender: boolean;
}

export const emptyResolveDraft = (date: string): ResolveDraft => ({
  date,
  from: '',
  to: '',
  recipientName: '',
  recipientPhone: '',
  addressText: '',
  cardMessage: '',
  anonymousSender: false,
});

export interface PlaceHeldBody {
  deliveryWindow: { from: string; to: string; timeZone: string };
  recipient?: { name: string; phone?: string; address: { text: string } };
  cardMessage?: string;
  anonymousSender?: boolean;
}

/** What staff are asked for besides the window: the recipient when it was missing, the card and anonymity when the note was unclear. */
export interface ResolveAsks {
  recipient: boolean;
  note: boolean;
}

/** What is still missing from the draft, by field, for the form to say next to each. */
export type ResolveProblem = 'date' | 'from' | 'to' | 'order' | 'recipientName' | 'addressText';

/**
 * The body of "place this held order": the window read on the shop's clock (so the laptop's own
 * zone never moves it), the recipient only when staff were asked for one, and for an unclear note
 * the card (none when left empty) and whether the sender stays unnamed, as staff decided. Returns
 * the problems instead when the draft cannot be placed yet.
 */
export function placeHeldBody(
  draft: ResolveDraft,
  timeZone: string,
  asks: ResolveAsks = { recipient: false, note: false },
): { body: PlaceHeldBody } | { problems: ResolveProblem[] } {
  const needsRecipient = asks.recipient;
  const problems: ResolveProblem[] = [];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.date)) problems.push('date');
  if (!/^\d{2}:\d{2}$/.test(draft.from)) problems.push('from');
  if (!/^\d{2}:\d{2}$/.test(draft.to)) problems.push('to');
  // A window ending at midnight is written 00:00 and belongs to the next day.
  const endsNextDay = draft.to === '00:00';
  if (!problems.length && !endsNextDay && draft.to <= draft.from) problems.push('order');
  if (needsRecipient && !draft.recipientName.trim()) problems.push('recipientName');
  if (needsRecipient && !draft.addressText.trim()) problems.push('addressText');
  if (problems.length) return { problems };

  const from = shopInstant(`${draft.date}T${draft.from}`, timeZone);
  const to = endsNextDay ? shopInstant(addDays(draft.date, 1), timeZone) : shopInstant(`${draft.date}T${draft.to}`, timeZone);
  const body: PlaceHeldBody = { deliveryWindow: { from, to, timeZone } };
  if (needsRecipient) {
    body.recipient = {
      name: draft.recipientName.trim(),
      ...(draft.recipientPhone.trim() ? { phone: draft.recipientPhone.trim() } : {}),
      address: { text: draft.addressText.trim() },
    };
  }
  if (asks.note) {
    if (draft.cardMessage.trim()) body.cardMessage = draft.cardMessage.trim();
    body.anonymousSender = draft.anonymousSender;
  }
  return { body };
}
