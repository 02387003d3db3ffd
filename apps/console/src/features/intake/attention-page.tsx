import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../format';
import { useSession } from '../../session/session';
import { shopDate, shopDateTime } from '../../shop-clock';
import { ApiProblem } from '../../ui/api-problem';
import { SlotPicker, useDeliverySlots } from '../order-form/delivery-slots';
import { ATTENTION_QUERY, useAttention } from './attention-query';
import { type AttentionItem, intakeApi, type PlaceHeldBody } from './intake-api';
import { useReasonText, useSourceText } from './reasons';
import { emptyResolveDraft, placeHeldBody, type ResolveDraft, type ResolveProblem } from './resolve-draft';
import './intake.css';

/**
 * Orders that came in from the shop's systems and could not be placed by themselves (no date, no
 * address, a full slot): staff give what is missing and place them, or dismiss them. Nothing
 * held is lost: an item leaves the list only by one of those two.
 */
export default function AttentionPage() {
  const { t } = useTranslation();
  const attention = useAttention();
  const [placed, setPlaced] = useState<{ ref: string; orderId: string } | undefined>();
  return (
    <div className="intake stack">
      <h1>{t('intake.attention.title')}</h1>
      <p className="muted">{t('intake.attention.intro')}</p>
      <p role="status">
        {placed && (
          <>
            {t('intake.attention.placed', { ref: placed.ref })} <Link to={`/orders/${placed.orderId}`}>{t('intake.attention.openOrder')}</Link>
          </>
        )}
      </p>
      <ApiProblem error={attention.error} />
      {attention.isPending && <p role="status">{t('common.loading')}</p>}
      {attention.data && attention.data.items.length === 0 && <p>{t('intake.attention.none')}</p>}
      {attention.data && attention.data.items.length > 0 && (
        <ul className="attention-list stack" aria-label={t('intake.attention.listLabel', { count: attention.data.items.length })}>
          {attention.data.items.map((item) => (
            <HeldOrder key={item.intakeId} item={item} onPlaced={(orderId) => setPlaced({ ref: refOf(item), orderId })} />
          ))}
        </ul>
      )}
    </div>
  );
}

const needsRecipient = (reason: string) => reason === 'missing_address' || reason === 'missing_recipient';

function draftFrom(item: AttentionItem, timeZone: string): ResolveDraft {
  const window = item.summary.deliveryWindow;
  const recipientName = item.summary.recipientName ?? '';
  if (!window) return { ...emptyResolveDraft(shopDate(Date.now(), timeZone)), recipientName };
  const [from, to] = [shopDateTime(window.from, timeZone), shopDateTime(window.to, timeZone)];
  return { ...emptyResolveDraft(from.slice(0, 10)), from: from.slice(11), to: to.slice(11), recipientName };
}

function HeldOrder({ item, onPlaced }: { item: AttentionItem; onPlaced: (orderId: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const reasonText = useReasonText();
  const sourceText = useSourceText();
  const [open, setOpen] = useState<'place' | 'dismiss' | undefined>();
  const headingId = useId();
  const { summary } = item;
  const ref = refOf(item);
  return (
    <li className="card stack held" data-intake-id={item.intakeId} data-reason={item.reason} aria-labelledby={headingId}>
      <div className="row spread">
        <h2 id={headingId}>{ref}</h2>
        <span className="badge warn">{reasonText(item.reason)}</span>
      </div>
      <dl className="facts">
        <dt>{t('intake.attention.cameFrom')}</dt>
        <dd>{sourceText(item.source)}</dd>
        <dt>{t('intake.attention.received')}</dt>
        <dd>{format.dateTime(item.receivedAt)}</dd>
        <dt>{t('intake.attention.recipient')}</dt>
        <dd>{[summary.recipientName, summary.address].filter(Boolean).join(' · ') || t('intake.attention.missing')}</dd>
        <dt>{t('intake.attention.items')}</dt>
        <dd>{summary.items.map((i) => t('intake.attention.item', { name: i.name, quantity: i.quantity })).join(', ') || t('intake.attention.missing')}</dd>
        <dt>{t('intake.attention.date')}</dt>
        <dd>{summary.deliveryWindow ? format.window(summary.deliveryWindow) : (summary.deliveryText ?? t('intake.attention.missing'))}</dd>
        {summary.buyerName && (
          <>
            <dt>{t('intake.attention.buyer')}</dt>
            <dd>{summary.buyerName}</dd>
          </>
        )}
        {summary.note && (
          <>
            <dt>{t('intake.attention.note')}</dt>
            <dd>{summary.note}</dd>
          </>
        )}
        {summary.review && (
          <>
            <dt>{t('intake.attention.unclear')}</dt>
            <dd>{summary.review}</dd>
          </>
        )}
      </dl>
      <div className="row">
        <button type="button" aria-expanded={open === 'place'} onClick={() => setOpen(open === 'place' ? undefined : 'place')}>
          {t('intake.attention.resolve', { ref })}
        </button>
        <button type="button" aria-expanded={open === 'dismiss'} onClick={() => setOpen(open === 'dismiss' ? undefined : 'dismiss')}>
          {t('intake.attention.dismiss', { ref })}
        </button>
      </div>
      {open === 'place' && <PlaceForm item={item} onPlaced={onPlaced} />}
      {open === 'dismiss' && <DismissForm item={item} onCancel={() => setOpen(undefined)} />}
    </li>
  );
}

/** What staff know the order by: the shop system's own number (Shopify's "#1001"), else its reference. */
const refOf = (item: AttentionItem) => item.summary.displayRef ?? item.externalRef;

function PlaceForm({ item, onPlaced }: { item: AttentionItem; onPlaced: (orderId: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const client = useQueryClient();
  const withRecipient = needsRecipient(item.reason);
  // A note the platform's rules could not read with certainty: staff read it and decide.
  const readsNote = item.reason === 'unclear_note';
  // A window the shop system gave (an order held for a full slot, or for its address) is where staff start from.
  const [draft, setDraft] = useState<ResolveDraft>(() => draftFrom(item, format.timeZone));
  const [problems, setProblems] = useState<ResolveProblem[]>([]);
  const slots = useDeliverySlots(session?.shopId, draft.date);
  const update = (patch: Partial<ResolveDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const place = useMutation({
    mutationFn: (body: PlaceHeldBody) => intakeApi.place(item.intakeId, body),
    onSuccess: (answer) => {
      if (answer.orderId) onPlaced(answer.orderId);
      void client.invalidateQueries({ queryKey: ['orders'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const built = placeHeldBody(draft, format.timeZone, { recipient: withRecipient, note: readsNote });
    if ('problems' in built) {
      setProblems(built.problems);
      return;
    }
    setProblems([]);
    place.mutate(built.body);
  };
  const invalid = (p: ResolveProblem) => (problems.includes(p) ? { 'aria-invalid': true as const } : {});
  const id = useId();
  return (
    <form className="stack resolve" onSubmit={submit} aria-label={t('intake.attention.placeForm', { ref: refOf(item) })} noValidate>
      <p className="muted">{t('intake.attention.zone', { zone: format.timeZone })}</p>
      <label>
        {t('intake.attention.deliveryDate')}
        <input type="date" required value={draft.date} onChange={(e) => update({ date: e.target.value, from: '', to: '' })} {...invalid('date')} />
      </label>
      {slots.data && (
        <fieldset>
          <legend>{t('intake.attention.slot')}</legend>
          <SlotPicker
            slots={slots.data}
            timeZone={format.timeZone}
            chosen={`${draft.date}T${draft.from}`}
            onChoose={(slot) => update({ from: slot.from.slice(11), to: slot.to.slice(11) })}
          />
        </fieldset>
      )}
      <div className="row">
        <label>
          {t('intake.attention.from')}
          <input type="time" required value={draft.from} onChange={(e) => update({ from: e.target.value })} {...invalid('from')} />
        </label>
        <label>
          {t('intake.attention.to')}
          <input type="time" required value={draft.to} onChange={(e) => update({ to: e.target.value })} {...invalid('to')} />
        </label>
      </div>
      {withRecipient && (
        <fieldset className="stack">
          <legend>{t('intake.attention.recipientLegend')}</legend>
          <label>
            {t('intake.attention.recipientName')}
            <input required value={draft.recipientName} onChange={(e) => update({ recipientName: e.target.value })} {...invalid('recipientName')} />
          </label>
          <label>
            {t('intake.attention.recipientPhone')}
            <input type="tel" value={draft.recipientPhone} onChange={(e) => update({ recipientPhone: e.target.value })} />
          </label>
          <label>
            {t('intake.attention.address')}
            <textarea
              required
              rows={2}
              value={draft.addressText}
              onChange={(e) => update({ addressText: e.target.value })}
              aria-describedby={`${id}-address`}
              {...invalid('addressText')}
            />
          </label>
          <p id={`${id}-address`} className="muted small">
            {t('intake.attention.addressNote')}
          </p>
        </fieldset>
      )}
      {readsNote && (
        <fieldset className="stack">
          <legend>{t('intake.attention.noteLegend')}</legend>
          <p id={`${id}-note`} className="muted small">
            {t('intake.attention.noteHelp')}
          </p>
          <label>
            {t('intake.attention.cardMessage')}
            <textarea rows={2} value={draft.cardMessage} onChange={(e) => update({ cardMessage: e.target.value })} aria-describedby={`${id}-note`} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={draft.anonymousSender} onChange={(e) => update({ anonymousSender: e.target.checked })} />
            {t('intake.attention.anonymousSender')}
          </label>
        </fieldset>
      )}
      {problems.length > 0 && (
        <ul role="alert" className="problem">
          {problems.map((p) => (
            <li key={p}>{t(`intake.attention.problem.${p}`)}</li>
          ))}
        </ul>
      )}
      <ApiProblem error={place.error ?? slots.error} />
      <div>
        <button type="submit" className="primary" disabled={place.isPending}>
          {t('intake.attention.place')}
        </button>
      </div>
    </form>
  );
}

function DismissForm({ item, onCancel }: { item: AttentionItem; onCancel: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const dismiss = useMutation({
    mutationFn: () => intakeApi.dismiss(item.intakeId, reason.trim()),
    onSuccess: () => void client.invalidateQueries({ queryKey: ATTENTION_QUERY }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) dismiss.mutate();
  };
  return (
    <form className="stack" onSubmit={submit} aria-label={t('intake.attention.dismissForm', { ref: refOf(item) })}>
      <label>
        {t('intake.attention.dismissReason')}
        <input required value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <ApiProblem error={dismiss.error} />
      <div className="row">
        <button type="submit" className="danger" disabled={dismiss.isPending || !reason.trim()}>
          {t('intake.attention.confirmDismiss')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
