import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, type ReactNode, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, api, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { useSession } from '../../session/session';
import { shopDate } from '../../shop-clock';
import { ApiProblem } from '../../ui/api-problem';
import { useConsoleConfig } from '../../ui/console-config';
import { type Slot, SlotPicker, useDeliverySlots } from './delivery-slots';
import { type Geocoder, nominatimGeocoder, type Place } from './geocoder';
import {
  ADDRESS_TYPES,
  emptyDraft,
  emptyItem,
  type FieldErrors,
  fieldErrorsOf,
  ORDER_SOURCES,
  ORDER_TYPES,
  type OrderDraft,
  placeOrderBody,
  type PlaceOrderBody,
  pointOf,
} from './order-draft';
import './new-order.css';

// The map library is large: it loads only once this form is on screen.
const PinMap = lazy(() => import('./pin-map'));

const CURRENCY_KEY = 'petalpost.orderForm.currency';
// No API names the shop's currency yet: the last one used at this counter, else the first shops' own.
const DEFAULT_CURRENCY = 'CNY';

/** The form's fields by the API's paths, so that its refusals land next to what was typed. */
const FIELDS = new Set([
  'reference',
  'source',
  'orderType',
  'buyer.name',
  'buyer.phone',
  'buyer.email',
  'recipient.name',
  'recipient.phone',
  'doNotContactRecipient',
  'recipient.addressType',
  'recipient.address.text',
  'recipient.address.ward',
  'recipient.address.room',
  'recipient.address.notes',
  'recipient.address.geo',
  'deliveryWindow',
  'deadline',
  'cardMessage',
  'anonymousSender',
  'items',
  'price',
  'paid',
]);
const isField = (path: string) => FIELDS.has(path) || /^items\.\d+\.(name|quantity|sku)$/.test(path);
const idOf = (path: string) => `field-${path.replace(/\./g, '-')}`;

interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** A labelled control with its hint and the API's words about it. */
function Field({
  path,
  label,
  errors,
  hint,
  className,
  children,
}: {
  path: string;
  label: string;
  errors: FieldErrors;
  hint?: string;
  className?: string;
  children: (props: ControlProps) => ReactNode;
}) {
  const id = idOf(path);
  const problems = errors[path];
  const describedBy = [hint && `${id}-hint`, problems && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(problems ? { 'aria-invalid': true } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldProblems id={`${id}-error`} problems={problems} />
    </div>
  );
}

function FieldProblems({ id, problems }: { id: string; problems?: string[] }) {
  if (!problems) return null;
  return (
    <p id={id} className="field-error">
      {[...new Set(problems)].join(' · ')}
    </p>
  );
}

function Check({ path, label, checked, onChange }: { path: string; label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="inline check">
      <input type="checkbox" id={idOf(path)} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

export default function NewOrderPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const { timeZone } = format;
  const session = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const config = useConsoleConfig();

  const [draft, setDraft] = useState<OrderDraft>(() => emptyDraft(localStorage.getItem(CURRENCY_KEY) ?? DEFAULT_CURRENCY));
  const [date, setDate] = useState(() => shopDate(Date.now(), timeZone));
  const [errors, setErrors] = useState<FieldErrors>({});
  const nextItem = useRef(2);
  const slots = useDeliverySlots(session?.shopId, date);
  const planned = slots.data !== null;

  const update = (patch: Partial<OrderDraft>, ...paths: string[]) => {
    setDraft((d) => ({ ...d, ...patch }));
    // What was just corrected no longer carries the old complaint.
    if (paths.some((p) => errors[p])) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([field]) => !paths.includes(field))));
  };

  const chooseDate = (next: string) => {
    setDate(next);
    // A slot belongs to its day; typed times move with the date.
    if (planned) update({ windowFrom: '', windowTo: '' });
    else update({ windowFrom: draft.windowFrom && `${next}${draft.windowFrom.slice(10)}`, windowTo: draft.windowTo && `${next}${draft.windowTo.slice(10)}` });
  };

  // The key stays the same while the body does: a retry after a lost answer is the same order.
  const attempt = useRef<{ body: string; key: string } | undefined>(undefined);
  const place = useMutation({
    mutationFn: (body: PlaceOrderBody) => {
      const json = JSON.stringify(body);
      if (attempt.current?.body !== json) attempt.current = { body: json, key: idempotencyKey() };
      return data(api.orders.POST('/orders', { body, params: { header: { 'Idempotency-Key': attempt.current.key } } }));
    },
    onSuccess: (order) => {
      localStorage.setItem(CURRENCY_KEY, draft.currency.trim());
      void client.invalidateQueries({ queryKey: ['orders'] });
      navigate(`/orders/${order.orderId}`);
    },
    onError: (error) => {
      setErrors(error instanceof ApiError ? fieldErrorsOf(error) : { form: [error.message] });
      if (error instanceof ApiError && error.code === 'SLOT_FULL') void slots.refetch();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    place.mutate(placeOrderBody(draft, timeZone));
  };

  // After a refusal the first marked field takes the focus, so the keyboard lands where the work is.
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    const first = document.querySelector<HTMLElement>('.new-order [aria-invalid="true"], .new-order [data-invalid]');
    (first ?? alertRef.current)?.focus();
  }, [errors]);

  const unplaced = Object.entries(errors)
    .filter(([path]) => !isField(path))
    .flatMap(([path, messages]) => messages.map((m) => (path === 'form' ? m : `${path}: ${m}`)));

  const point = useMemo(() => pointOf(draft), [draft]);
  const settings = useQuery({
    queryKey: ['dispatch', 'settings'],
    queryFn: ({ signal }) => data(api.dispatch.GET('/dispatch-settings', { signal })),
    staleTime: 10 * 60_000,
    retry: false,
  });
  const depot = settings.data?.depot;
  const center = useMemo(() => (depot ? { lat: depot.lat, lng: depot.lng } : undefined), [depot]);

  const geocoder: Geocoder | undefined = useMemo(() => (config?.geocoderUrl ? nominatimGeocoder(config.geocoderUrl) : undefined), [config?.geocoderUrl]);
  const lookup = useMutation({
    mutationFn: async (address: string) => (geocoder ? geocoder(address, { language: i18n.language }) : []),
    onSuccess: (places) => {
      if (places[0]) update({ lat: String(places[0].lat), lng: String(places[0].lng) }, 'recipient.address.geo');
    },
  });
  const choosePlace = (place: Place) => update({ lat: String(place.lat), lng: String(place.lng) }, 'recipient.address.geo');

  const setItem = (index: number, patch: Partial<OrderDraft['items'][number]>, path: string) =>
    update({ items: draft.items.map((item, i) => (i === index ? { ...item, ...patch } : item)) }, `items.${index}.${path}`, 'items');

  const windowProblems = errors['deliveryWindow'];
  const geoProblems = errors['recipient.address.geo'];

  return (
    <form className="new-order" onSubmit={submit} noValidate>
      <h1>{t('orderForm.title')}</h1>

      {Object.keys(errors).length > 0 && (
        <div role="alert" className="form-problems" ref={alertRef} tabIndex={-1}>
          <p>{t('orderForm.problems')}</p>
          {unplaced.length > 0 && (
            <ul>
              {unplaced.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <div className="new-order-grid">
        <fieldset>
          <legend>{t('orderForm.buyer')}</legend>
          <Field path="buyer.name" label={t('orderForm.buyerName')} errors={errors}>
            {(p) => (
              <input {...p} value={draft.buyerName} onChange={(e) => update({ buyerName: e.target.value }, 'buyer.name')} autoComplete="off" aria-required />
            )}
          </Field>
          <Field path="buyer.phone" label={t('orderForm.buyerPhone')} errors={errors}>
            {(p) => (
              <input {...p} type="tel" value={draft.buyerPhone} onChange={(e) => update({ buyerPhone: e.target.value }, 'buyer.phone')} autoComplete="off" />
            )}
          </Field>
          <Field path="buyer.email" label={t('orderForm.buyerEmail')} errors={errors}>
            {(p) => (
              <input {...p} type="email" value={draft.buyerEmail} onChange={(e) => update({ buyerEmail: e.target.value }, 'buyer.email')} autoComplete="off" />
            )}
          </Field>
          <div className="row">
            <Field path="source" label={t('orderForm.source')} errors={errors}>
              {(p) => (
                <select {...p} value={draft.source} onChange={(e) => update({ source: e.target.value as OrderDraft['source'] }, 'source')}>
                  {ORDER_SOURCES.map((s) => (
                    <option key={s} value={s}>
                      {t(`orderForm.sources.${s}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field path="orderType" label={t('orderForm.orderType')} errors={errors}>
              {(p) => (
                <select {...p} value={draft.orderType} onChange={(e) => update({ orderType: e.target.value as OrderDraft['orderType'] }, 'orderType')}>
                  {ORDER_TYPES.map((s) => (
                    <option key={s} value={s}>
                      {t(`orderForm.orderTypes.${s}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field path="reference" label={t('orderForm.reference')} errors={errors}>
            {(p) => <input {...p} value={draft.reference} onChange={(e) => update({ reference: e.target.value }, 'reference')} autoComplete="off" />}
          </Field>
        </fieldset>

        <fieldset>
          <legend>{t('orderForm.recipient')}</legend>
          <Field path="recipient.name" label={t('orderForm.recipientName')} errors={errors}>
            {(p) => (
              <input
                {...p}
                value={draft.recipientName}
                onChange={(e) => update({ recipientName: e.target.value }, 'recipient.name')}
                autoComplete="off"
                aria-required
              />
            )}
          </Field>
          <Field path="recipient.phone" label={t('orderForm.recipientPhone')} errors={errors}>
            {(p) => (
              <input
                {...p}
                type="tel"
                value={draft.recipientPhone}
                onChange={(e) => update({ recipientPhone: e.target.value }, 'recipient.phone')}
                autoComplete="off"
              />
            )}
          </Field>
          <Check
            path="doNotContactRecipient"
            label={t('orderForm.doNotContact')}
            checked={draft.doNotContactRecipient}
            onChange={(v) => update({ doNotContactRecipient: v })}
          />
        </fieldset>
      </div>

      <fieldset className="address">
        <legend>{t('orderForm.address')}</legend>
        <Field path="recipient.addressType" label={t('orderForm.addressType')} errors={errors}>
          {(p) => (
            <select
              {...p}
              value={draft.addressType}
              onChange={(e) => update({ addressType: e.target.value as OrderDraft['addressType'] }, 'recipient.addressType')}
            >
              {ADDRESS_TYPES.map((s) => (
                <option key={s} value={s}>
                  {t(`orderForm.addressTypes.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field path="recipient.address.text" label={t('orderForm.addressText')} hint={t('orderForm.addressHint')} errors={errors}>
          {(p) => (
            <textarea
              {...p}
              rows={2}
              value={draft.addressText}
              onChange={(e) => update({ addressText: e.target.value }, 'recipient.address.text')}
              aria-required
            />
          )}
        </Field>
        <div className="row">
          <Field path="recipient.address.ward" label={t('orderForm.ward')} errors={errors} className="short">
            {(p) => <input {...p} value={draft.ward} onChange={(e) => update({ ward: e.target.value }, 'recipient.address.ward')} autoComplete="off" />}
          </Field>
          <Field path="recipient.address.room" label={t('orderForm.room')} errors={errors} className="short">
            {(p) => <input {...p} value={draft.room} onChange={(e) => update({ room: e.target.value }, 'recipient.address.room')} autoComplete="off" />}
          </Field>
          <Field path="recipient.address.notes" label={t('orderForm.notes')} errors={errors} className="grow">
            {(p) => <input {...p} value={draft.notes} onChange={(e) => update({ notes: e.target.value }, 'recipient.address.notes')} autoComplete="off" />}
          </Field>
        </div>

        {geocoder && (
          <div className="lookup">
            <button type="button" onClick={() => lookup.mutate(draft.addressText.trim())} disabled={!draft.addressText.trim() || lookup.isPending}>
              {lookup.isPending ? t('orderForm.finding') : t('orderForm.findOnMap')}
            </button>
            {lookup.error && (
              <p role="alert" className="problem">
                {t('orderForm.geocoderFailed', { message: lookup.error.message })}
              </p>
            )}
            {lookup.data?.length === 0 && <p role="status">{t('orderForm.noPlaces')}</p>}
            {lookup.data && lookup.data.length > 1 && (
              <ul className="places" aria-label={t('orderForm.placesFound')}>
                {lookup.data.map((place) => (
                  <li key={`${place.lat},${place.lng}`}>
                    <button type="button" className="link" onClick={() => choosePlace(place)} aria-label={t('orderForm.usePlace', { place: place.label })}>
                      {place.label}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}

        <fieldset className="pin" aria-describedby={`${idOf('recipient.address.geo')}-hint${geoProblems ? ` ${idOf('recipient.address.geo')}-error` : ''}`}>
          <legend>{t('orderForm.pin')}</legend>
          <p id={`${idOf('recipient.address.geo')}-hint`} className="hint">
            {t('orderForm.pinHint')}
          </p>
          <div className="row">
            <label>
              {t('orderForm.lat')}
              <input
                id={idOf('recipient.address.geo')}
                inputMode="decimal"
                value={draft.lat}
                onChange={(e) => update({ lat: e.target.value }, 'recipient.address.geo')}
                aria-invalid={geoProblems ? true : undefined}
                autoComplete="off"
              />
            </label>
            <label>
              {t('orderForm.lng')}
              <input
                inputMode="decimal"
                value={draft.lng}
                onChange={(e) => update({ lng: e.target.value }, 'recipient.address.geo')}
                aria-invalid={geoProblems ? true : undefined}
                autoComplete="off"
              />
            </label>
            {point && (
              <button type="button" onClick={() => update({ lat: '', lng: '' }, 'recipient.address.geo')}>
                {t('orderForm.clearPin')}
              </button>
            )}
          </div>
          <FieldProblems id={`${idOf('recipient.address.geo')}-error`} problems={geoProblems} />
          {!point && (
            <p className="no-point" data-no-point>
              <span aria-hidden="true">⚠ </span>
              {t('orderForm.noPoint')}
            </p>
          )}
          {config && (
            <Suspense fallback={<p className="muted">{t('orderForm.mapLoading')}</p>}>
              <PinMap
                point={point}
                center={center}
                tileUrl={config.tileUrl}
                onPick={(p) => update({ lat: String(p.lat), lng: String(p.lng) }, 'recipient.address.geo')}
              />
            </Suspense>
          )}
        </fieldset>
      </fieldset>

      <fieldset className="delivery">
        <legend>{t('orderForm.delivery')}</legend>
        <div className="row">
          <Field path="date" label={t('orderForm.date')} errors={errors}>
            {(p) => (
              <input {...p} type="date" value={date} min={shopDate(Date.now(), timeZone)} onChange={(e) => e.target.value && chooseDate(e.target.value)} />
            )}
          </Field>
          <Field path="deadline" label={t('orderForm.deadline')} hint={t('orderForm.deadlineHint')} errors={errors}>
            {(p) => (
              <input {...p} type="datetime-local" value={draft.deadline} onChange={(e) => update({ deadline: e.target.value }, 'deadline', 'deliveryWindow')} />
            )}
          </Field>
        </div>
        <fieldset
          className="window"
          id={idOf('deliveryWindow')}
          data-invalid={windowProblems ? true : undefined}
          aria-describedby={windowProblems ? `${idOf('deliveryWindow')}-error` : undefined}
          tabIndex={windowProblems ? -1 : undefined}
        >
          <legend>{t('orderForm.window')}</legend>
          {slots.isPending && <p className="muted">{t('common.loading')}</p>}
          <ApiProblem error={slots.error} />
          {slots.data && (
            <SlotPicker
              slots={slots.data}
              timeZone={timeZone}
              chosen={draft.windowFrom}
              onChoose={(slot: Slot) => update({ windowFrom: slot.from, windowTo: slot.to }, 'deliveryWindow')}
            />
          )}
          {slots.data === null && (
            <>
              <p className="muted">{t('orderForm.noPlan')}</p>
              <div className="row">
                <label>
                  {t('orderForm.windowFrom')}
                  <input
                    type="time"
                    value={draft.windowFrom.slice(11)}
                    onChange={(e) => update({ windowFrom: e.target.value && `${date}T${e.target.value}` }, 'deliveryWindow')}
                  />
                </label>
                <label>
                  {t('orderForm.windowTo')}
                  <input
                    type="time"
                    value={draft.windowTo.slice(11)}
                    onChange={(e) => update({ windowTo: e.target.value && `${date}T${e.target.value}` }, 'deliveryWindow')}
                  />
                </label>
              </div>
            </>
          )}
          <FieldProblems id={`${idOf('deliveryWindow')}-error`} problems={windowProblems} />
        </fieldset>
      </fieldset>

      <fieldset
        className="items"
        id={idOf('items')}
        tabIndex={errors['items'] ? -1 : undefined}
        data-invalid={errors['items'] ? true : undefined}
        aria-describedby={errors['items'] ? `${idOf('items')}-error` : undefined}
      >
        <legend>{t('orderForm.items')}</legend>
        <FieldProblems id={`${idOf('items')}-error`} problems={errors['items']} />
        {draft.items.map((item, index) => (
          <fieldset key={item.key} className="item row">
            <legend className="visually-hidden">{t('orderForm.item', { number: index + 1 })}</legend>
            <Field path={`items.${index}.name`} label={t('orderForm.itemName')} errors={errors} className="grow">
              {(p) => <input {...p} value={item.name} onChange={(e) => setItem(index, { name: e.target.value }, 'name')} autoComplete="off" aria-required />}
            </Field>
            <Field path={`items.${index}.quantity`} label={t('orderForm.quantity')} errors={errors} className="short">
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  max={999}
                  value={item.quantity}
                  onChange={(e) => setItem(index, { quantity: e.target.value }, 'quantity')}
                />
              )}
            </Field>
            <Field path={`items.${index}.sku`} label={t('orderForm.sku')} errors={errors}>
              {(p) => <input {...p} value={item.sku} onChange={(e) => setItem(index, { sku: e.target.value }, 'sku')} autoComplete="off" />}
            </Field>
            {draft.items.length > 1 && (
              <button type="button" onClick={() => update({ items: draft.items.filter((_, i) => i !== index) }, 'items')}>
                {t('orderForm.removeItem', { number: index + 1 })}
              </button>
            )}
          </fieldset>
        ))}
        <button type="button" onClick={() => update({ items: [...draft.items, emptyItem(`item-${nextItem.current++}`)] })}>
          {t('orderForm.addItem')}
        </button>
      </fieldset>

      <div className="new-order-grid">
        <fieldset>
          <legend>{t('orderForm.card')}</legend>
          <Field path="cardMessage" label={t('orderForm.cardMessage')} errors={errors}>
            {(p) => (
              <textarea {...p} rows={3} maxLength={400} value={draft.cardMessage} onChange={(e) => update({ cardMessage: e.target.value }, 'cardMessage')} />
            )}
          </Field>
          <Check
            path="anonymousSender"
            label={t('orderForm.anonymousSender')}
            checked={draft.anonymousSender}
            onChange={(v) => update({ anonymousSender: v })}
          />
        </fieldset>

        <fieldset>
          <legend>{t('orderForm.payment')}</legend>
          <div className="row">
            <Field path="price" label={t('orderForm.price')} errors={errors}>
              {(p) => <input {...p} inputMode="decimal" value={draft.price} onChange={(e) => update({ price: e.target.value }, 'price')} autoComplete="off" />}
            </Field>
            <label className="short">
              {t('orderForm.currency')}
              <input value={draft.currency} maxLength={3} onChange={(e) => update({ currency: e.target.value.toUpperCase() }, 'price')} autoComplete="off" />
            </label>
          </div>
          <Check path="paid" label={t('orderForm.paid')} checked={draft.paid} onChange={(v) => update({ paid: v })} />
        </fieldset>
      </div>

      <div className="submit-row">
        <button type="submit" disabled={place.isPending}>
          {place.isPending ? t('orderForm.working') : t('orderForm.submit')}
        </button>
      </div>
    </form>
  );
}
