import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import type { Role } from '../../session/session';
import { addressTypeLabel, availabilityLabel } from './labels';
import { actionsFor, type OrderAction } from './order-actions';
import { ifMatch, orderKey, type OrderView } from './order-api';
import type { People } from './people';
import { StatusBadge } from './status-badge';
import { shopDateTime, shopInstant } from '../../shop-clock';

type Recipient = Extract<OrderView['recipient'], { address: unknown }>;
type AddressType = NonNullable<OrderView['addressType']>;
const ADDRESS_TYPES: AddressType[] = ['residence', 'business', 'hospital', 'school', 'funeral_home'];

/** The commands the order's status and the reader's role allow, each behind its own small dialog. */
export function OrderActionsPanel({ order, role, people }: { order: OrderView; role: Role; people: People }) {
  const { t } = useTranslation();
  const actions = actionsFor(order, role);
  const [open, setOpen] = useState<OrderAction | undefined>(undefined);
  if (actions.length === 0) return null;

  const label: Record<OrderAction, string> = {
    accept: t('order.actions.accept'),
    reject: t('order.actions.reject'),
    payment: t('order.actions.payment'),
    cancel: t('order.actions.cancel'),
    changeWindow: t('order.actions.changeWindow'),
    reschedule: t('order.actions.reschedule'),
    address: t('order.actions.address'),
    handOver: t('order.actions.handOver'),
  };
  const close = () => setOpen(undefined);

  return (
    <section className="card order-actions" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('order.actions.title')}</h2>
      <div className="row">
        {actions.map((action) => (
          <button key={action} type="button" aria-haspopup="dialog" onClick={() => setOpen(action)}>
            {label[action]}
          </button>
        ))}
      </div>
      {open === 'accept' && <AcceptDialog order={order} title={label.accept} onClose={close} />}
      {open === 'reject' && <ReasonDialog step="reject" order={order} title={label.reject} onClose={close} />}
      {open === 'payment' && <PaymentDialog order={order} title={label.payment} onClose={close} />}
      {open === 'cancel' && <ReasonDialog step="cancel" order={order} title={label.cancel} onClose={close} />}
      {open === 'changeWindow' && <WindowDialog order={order} title={label.changeWindow} path="/orders/{orderId}/window" onClose={close} />}
      {open === 'reschedule' && <WindowDialog order={order} title={label.reschedule} path="/orders/{orderId}/delivery/reschedule" onClose={close} />}
      {open === 'address' && <AddressDialog order={order} title={label.address} onClose={close} />}
      {open === 'handOver' && <HandOverDialog order={order} title={label.handOver} people={people} onClose={close} />}
    </section>
  );
}

/**
 * A command sent with the order's version (If-Match) and a fresh Idempotency-Key. The answer is the
 * order as it now is; a refusal leaves the dialog open with the service's words and the order's state.
 */
function useOrderCommand(order: OrderView, send: (headers: { 'If-Match': string; 'Idempotency-Key': string }) => Promise<OrderView>, onDone: () => void) {
  const client = useQueryClient();
  // The version the dialog was opened on: the live page may move on meanwhile, and then the
  // service refuses (412) rather than apply a form filled in from an older order.
  const [seen] = useState(order.version);
  return useMutation({
    mutationFn: () => send({ 'If-Match': ifMatch({ version: seen }), 'Idempotency-Key': idempotencyKey() }),
    onSuccess: (updated) => {
      client.setQueryData(orderKey(order.orderId), updated);
      void client.invalidateQueries({ queryKey: orderKey(order.orderId) });
      onDone();
    },
    // The order changed under us (409, 412): fetch it, so what is shown is what the service has.
    onError: () => void client.invalidateQueries({ queryKey: orderKey(order.orderId) }),
  });
}

function ActionDialog(props: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  pending: boolean;
  error: Error | null;
  submit: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    // Opened once; taking the element away closes it (closing here would fire onClose again).
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit();
  };
  return (
    <dialog ref={ref} className="action-dialog" aria-labelledby={titleId} onClose={props.onClose}>
      <form className="stack" onSubmit={submit}>
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
        {props.error && <Refusal error={props.error} />}
        <div className="row">
          <button type="submit" disabled={props.pending}>
            {props.pending ? t('order.actions.working') : props.submit}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** The service's refusal in its words; a 409 also names the state the order is in now. */
export function Refusal({ error }: { error: Error }) {
  const { t } = useTranslation();
  const status = error instanceof ApiError ? (error.details?.status as OrderView['status'] | undefined) : undefined;
  return (
    <div role="alert" className="problem">
      <p>{error instanceof ApiError && error.status === 412 ? t('order.actions.stale') : t('common.error', { message: error.message })}</p>
      {error instanceof ApiError && error.status === 409 && status && (
        <p>
          {t('order.actions.stateNow')} <StatusBadge status={status} />
        </p>
      )}
    </div>
  );
}

function AcceptDialog({ order, title, onClose }: { order: OrderView; title: string; onClose: () => void }) {
  const { t } = useTranslation();
  const command = useOrderCommand(
    order,
    (header) => data(api.orders.POST('/orders/{orderId}/accept', { params: { path: { orderId: order.orderId }, header }, body: {} })),
    onClose,
  );
  return (
    <ActionDialog
      title={title}
      onClose={onClose}
      onSubmit={() => command.mutate()}
      pending={command.isPending}
      error={command.error}
      submit={t('order.actions.acceptSubmit')}
    >
      <p>{t('order.actions.acceptConfirm')}</p>
    </ActionDialog>
  );
}

/** Rejecting and cancelling an order: the same dialog, a reason the shop gives, another step. */
function ReasonDialog({ step, order, title, onClose }: { step: 'reject' | 'cancel'; order: OrderView; title: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const command = useOrderCommand(
    order,
    (header) =>
      data(
        step === 'reject'
          ? api.orders.POST('/orders/{orderId}/reject', { params: { path: { orderId: order.orderId }, header }, body: { reason: reason.trim() } })
          : api.orders.POST('/orders/{orderId}/cancel', { params: { path: { orderId: order.orderId }, header }, body: { reason: reason.trim() } }),
      ),
    onClose,
  );
  return (
    <ActionDialog
      title={title}
      onClose={onClose}
      onSubmit={() => command.mutate()}
      pending={command.isPending}
      error={command.error}
      submit={step === 'reject' ? t('order.actions.rejectSubmit') : t('order.actions.cancelSubmit')}
    >
      <label>
        {t('order.actions.reason')}
        <textarea required rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
    </ActionDialog>
  );
}

function PaymentDialog({ order, title, onClose }: { order: OrderView; title: string; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const command = useOrderCommand(
    order,
    (header) => data(api.orders.POST('/orders/{orderId}/payment', { params: { path: { orderId: order.orderId }, header }, body: {} })),
    onClose,
  );
  return (
    <ActionDialog
      title={title}
      onClose={onClose}
      onSubmit={() => command.mutate()}
      pending={command.isPending}
      error={command.error}
      submit={t('order.actions.paymentSubmit')}
    >
      <p>{order.price ? t('order.actions.paymentConfirmAmount', { amount: format.money(order.price) }) : t('order.actions.paymentConfirm')}</p>
    </ActionDialog>
  );
}

function WindowDialog(props: {
  order: OrderView;
  title: string;
  path: '/orders/{orderId}/window' | '/orders/{orderId}/delivery/reschedule';
  onClose: () => void;
}) {
  const { order } = props;
  const { t } = useTranslation();
  const format = useFormat();
  const { timeZone } = format;
  const [from, setFrom] = useState(() => shopDateTime(order.deliveryWindow.from, timeZone));
  const [to, setTo] = useState(() => shopDateTime(order.deliveryWindow.to, timeZone));
  const [invalid, setInvalid] = useState(false);
  const command = useOrderCommand(
    order,
    (header) => {
      const typed = typedWindow(from, to, timeZone);
      if (!typed) throw new Error(t('order.actions.windowInvalid'));
      const deliveryWindow = { ...typed, ...(order.deliveryWindow.timeZone ? { timeZone: order.deliveryWindow.timeZone } : {}) };
      return data(api.orders.POST(props.path, { params: { path: { orderId: order.orderId }, header }, body: { deliveryWindow } }));
    },
    props.onClose,
  );
  const submit = () => {
    const ok = typedWindow(from, to, timeZone) !== undefined;
    setInvalid(!ok);
    if (ok) command.mutate();
  };
  return (
    <ActionDialog
      title={props.title}
      onClose={props.onClose}
      onSubmit={submit}
      pending={command.isPending}
      error={command.error}
      submit={t('order.actions.windowSubmit')}
    >
      <p className="muted">{t('order.actions.windowZone', { timeZone })}</p>
      {order.deadline && <p>{t('order.actions.windowDeadline', { deadline: format.dateTime(order.deadline) })}</p>}
      <div className="row">
        <label>
          {t('order.actions.windowFrom')}
          <input type="datetime-local" required value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('order.actions.windowTo')}
          <input type="datetime-local" required value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {invalid && (
        <p role="alert" className="problem">
          {t('order.actions.windowInvalid')}
        </p>
      )}
    </ActionDialog>
  );
}

function AddressDialog({ order, title, onClose }: { order: OrderView; title: string; onClose: () => void }) {
  const { t } = useTranslation();
  const current = order.recipient as Recipient;
  const [form, setForm] = useState({
    name: current.name,
    phone: current.phone ?? '',
    addressType: order.addressType ?? 'residence',
    text: current.address.text,
    ward: current.address.ward ?? '',
    room: current.address.room ?? '',
    notes: current.address.notes ?? '',
  });
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
  });
  // A point belongs to the address it was dropped for: a new address text goes without it until a pin is set again.
  const keepsPoint = current.address.geo !== undefined && form.text.trim() === current.address.text;
  // A privacy number keeps its expiry while it is the number; one typed by staff is a real number.
  const keepsExpiry = current.phoneExpiresAt !== undefined && form.phone.trim() === current.phone;
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const command = useOrderCommand(
    order,
    (header) =>
      data(
        api.orders.POST('/orders/{orderId}/address', {
          params: { path: { orderId: order.orderId }, header },
          body: {
            recipient: {
              name: form.name.trim(),
              phone: optional(form.phone),
              phoneExpiresAt: keepsExpiry ? current.phoneExpiresAt : undefined,
              addressType: form.addressType as AddressType,
              address: {
                text: form.text.trim(),
                geo: keepsPoint ? current.address.geo : undefined,
                ward: optional(form.ward),
                room: optional(form.room),
                notes: optional(form.notes),
              },
            },
          },
        }),
      ),
    onClose,
  );
  return (
    <ActionDialog
      title={title}
      onClose={onClose}
      onSubmit={() => command.mutate()}
      pending={command.isPending}
      error={command.error}
      submit={t('order.actions.addressSubmit')}
    >
      <label>
        {t('order.recipient.name')}
        <input required {...field('name')} />
      </label>
      <label>
        {t('order.recipient.phone')}
        <input type="tel" {...field('phone')} />
      </label>
      <label>
        {t('order.recipient.addressType')}
        <select {...field('addressType')}>
          {ADDRESS_TYPES.map((type) => (
            <option key={type} value={type}>
              {addressTypeLabel(type, t)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('order.recipient.address')}
        <textarea required rows={2} {...field('text')} />
      </label>
      <div className="row">
        <label>
          {t('order.recipient.ward')}
          <input {...field('ward')} />
        </label>
        <label>
          {t('order.recipient.room')}
          <input {...field('room')} />
        </label>
      </div>
      <label>
        {t('order.recipient.notes')}
        <input {...field('notes')} />
      </label>
      {current.address.geo && !keepsPoint && <p className="muted">{t('order.actions.addressPointDropped')}</p>}
    </ActionDialog>
  );
}

function HandOverDialog({ order, title, people, onClose }: { order: OrderView; title: string; people: People; onClose: () => void }) {
  const { t } = useTranslation();
  const others = people.riders.filter((r) => r.riderId !== order.riderId);
  const [riderId, setRiderId] = useState('');
  const command = useOrderCommand(
    order,
    (header) => data(api.orders.POST('/orders/{orderId}/rider', { params: { path: { orderId: order.orderId }, header }, body: { riderId } })),
    onClose,
  );
  return (
    <ActionDialog
      title={title}
      onClose={onClose}
      onSubmit={() => command.mutate()}
      pending={command.isPending}
      error={command.error}
      submit={t('order.actions.handOverSubmit')}
    >
      {order.riderId && <p>{t('order.actions.handOverFrom', { rider: people.rider(order.riderId) })}</p>}
      <label>
        {t('order.actions.handOverTo')}
        <select required value={riderId} onChange={(e) => setRiderId(e.target.value)}>
          <option value="">{t('order.actions.handOverPick')}</option>
          {others.map((r) => (
            <option key={r.riderId} value={r.riderId}>
              {r.name} · {availabilityLabel(r.availability, t)}
            </option>
          ))}
        </select>
      </label>
    </ActionDialog>
  );
}

/** A window typed on the shop's clock, if both ends are readable and it ends after it starts. */
function typedWindow(from: string, to: string, timeZone: string): { from: string; to: string } | undefined {
  const instant = (typed: string) => {
    try {
      return shopInstant(typed, timeZone);
    } catch {
      return undefined;
    }
  };
  const [start, end] = [instant(from), instant(to)];
  return start && end && Date.parse(end) > Date.parse(start) ? { from: start, to: end } : undefined;
}
