import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { AttachmentThumbnail } from './attachment-thumbnail';
import { roleLabel } from './labels';
import { messageRefusal } from './message-composer';
import { type MentionCandidate, toReadableText, toServiceText } from './mentions';
import type { Channel, Message, ReadPosition } from './order-api';
import type { People } from './people';
import { systemText } from './system-text';

export interface Person {
  role: string;
  subject: string;
}

export function personName(person: Person, people: People, t: TFunction): string {
  if (person.role === 'customer') return t('order.customer');
  return person.role === 'rider' ? people.rider(person.subject) : people.name(person.subject);
}

interface MessageItemProps {
  orderId: string;
  channel: Channel;
  message: Message;
  people: People;
  mine: boolean;
  /** The reader may still post in the channel: the service lets its author change a message only then. */
  canPost: boolean;
  /** Who has read up to this message and no further. */
  readBy: ReadPosition[];
}

/**
 * One message. Its author may edit it (while they may post in the channel) and recall it (until
 * the service's `recallableUntil`); staff see its earlier versions. Photos open at full size.
 */
export function MessageItem({ orderId, channel, message, people, mine, canPost, readBy }: MessageItemProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [mode, setMode] = useState<'reading' | 'editing' | 'recalling'>('reading');
  const item = useRef<HTMLLIElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const recallButton = useRef<HTMLButtonElement>(null);
  const textId = useId();
  const author = message.author;
  const who = author ? personName(author, people, t) : t('order.chat.system');
  const changeable = mine && canPost && !message.recalled;
  const recallable = useStillBefore(changeable ? message.recallableUntil : undefined);
  const path = { orderId, channel, messageId: message.messageId };
  const refresh = () => void client.invalidateQueries({ queryKey: ['conversation', orderId] });

  const recall = useMutation({
    mutationFn: () =>
      data(
        api.messaging.POST('/conversations/{orderId}/channels/{channel}/messages/{messageId}/recall', {
          params: { path, header: { 'Idempotency-Key': idempotencyKey() } },
          body: {},
        }),
      ),
    onSuccess: () => {
      setMode('reading');
      refresh();
      // The recall button is gone: the message itself keeps the focus.
      item.current?.focus();
    },
  });

  const stopEditing = () => {
    setMode('reading');
    requestAnimationFrame(() => editButton.current?.focus());
  };

  const names = new Intl.ListFormat(i18n.language, { type: 'conjunction' });
  const readers = readBy.map((r) => t('order.chat.readerAt', { name: personName(r.reader, people, t), time: format.time(r.readAt) }));

  return (
    <li ref={item} tabIndex={-1} className={`message${mine ? ' mine' : ''}${author ? '' : ' system'}`} data-message-id={message.messageId}>
      <div className="meta">
        <strong>{who}</strong>
        {author && author.role !== 'customer' && <span className="muted"> · {roleLabel(author.role, t)}</span>}
        <time className="muted" dateTime={message.postedAt}>
          {' '}
          · {format.time(message.postedAt)}
        </time>
        {message.editedAt && <span className="muted"> · {t('order.chat.edited')}</span>}
        {message.recalled && <span className="badge"> {t('order.chat.recalled')}</span>}
      </div>
      {mode === 'editing' ? (
        <EditForm path={path} message={message} people={people} onDone={refresh} onClose={stopEditing} />
      ) : (
        <p id={textId} className="text">
          {author ? toReadableText(message.text, people.names) : systemText(message, (riderId) => people.riders.find((r) => r.riderId === riderId)?.name, t)}
        </p>
      )}
      {message.edits && message.edits.length > 0 && (
        <details className="earlier-versions">
          <summary>{t('order.chat.earlierVersions', { count: message.edits.length })}</summary>
          <ol>
            {message.edits.map((edit) => (
              <li key={edit.editedAt}>
                {t('order.chat.versionUntil', { time: format.time(edit.editedAt), text: toReadableText(edit.previousText, people.names) })}
              </li>
            ))}
          </ol>
        </details>
      )}
      {message.attachmentRefs.length > 0 && (
        <div className="thumbs">
          {message.attachmentRefs.map((id) => (
            <AttachmentThumbnail key={id} attachmentId={id} />
          ))}
        </div>
      )}
      {readers.length > 0 && <p className="read-by muted">{t('order.chat.readBy', { names: names.format(readers) })}</p>}
      {changeable && mode === 'reading' && (
        <div className="message-actions row">
          <button ref={editButton} type="button" className="link-button" aria-describedby={textId} onClick={() => setMode('editing')}>
            {t('order.chat.edit')}
          </button>
          {recallable && (
            <button ref={recallButton} type="button" className="link-button" aria-describedby={textId} onClick={() => setMode('recalling')}>
              {t('order.chat.recall')}
            </button>
          )}
        </div>
      )}
      {mode === 'recalling' && (
        <RecallConfirm
          pending={recall.isPending}
          onRecall={() => recall.mutate()}
          onKeep={() => {
            recall.reset();
            setMode('reading');
            requestAnimationFrame(() => (recallButton.current ?? editButton.current)?.focus());
          }}
        />
      )}
      {recall.error && (
        <p role="alert" className="problem">
          {recall.error instanceof ApiError && recall.error.code === 'RECALL_WINDOW_OVER'
            ? t('order.chat.recallTooLate')
            : t('common.error', { message: recall.error.message })}
        </p>
      )}
    </li>
  );
}

function RecallConfirm({ pending, onRecall, onKeep }: { pending: boolean; onRecall: () => void; onKeep: () => void }) {
  const { t } = useTranslation();
  const questionId = useId();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div
      className="recall-confirm"
      role="group"
      aria-labelledby={questionId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onKeep();
        }
      }}
    >
      <p id={questionId}>{t('order.chat.recallQuestion')}</p>
      <div className="row">
        <button ref={confirm} type="button" disabled={pending} onClick={onRecall}>
          {pending ? t('order.chat.recalling') : t('order.chat.recallSubmit')}
        </button>
        <button type="button" onClick={onKeep}>
          {t('order.chat.recallKeep')}
        </button>
      </div>
    </div>
  );
}

interface EditFormProps {
  path: { orderId: string; channel: Channel; messageId: string };
  message: Message;
  people: People;
  onDone: () => void;
  onClose: () => void;
}

/** The message's text to change in place: Ctrl+Enter saves, Escape leaves it as it was. */
function EditForm({ path, message, people, onDone, onClose }: EditFormProps) {
  const { t } = useTranslation();
  const boxId = useId();
  const [draft, setDraft] = useState(() => toReadableText(message.text, people.names));
  const save = useMutation({
    mutationFn: () => {
      // "@Name" goes back to the service as "@<subject>", for everyone the page knows by name.
      const known: MentionCandidate[] = [...people.names].map(([token, label]) => ({ token, label, kind: 'person' }));
      return data(
        api.messaging.PATCH('/conversations/{orderId}/channels/{channel}/messages/{messageId}', {
          params: { path, header: { 'Idempotency-Key': idempotencyKey() } },
          body: { text: toServiceText(draft, known).trim() },
        }),
      );
    },
    onSuccess: () => {
      onDone();
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!save.isPending) save.mutate();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
  };
  return (
    <form className="edit-message stack" onSubmit={submit}>
      <label htmlFor={boxId}>{t('order.chat.editLabel')}</label>
      <textarea
        id={boxId}
        rows={3}
        maxLength={2000}
        value={draft}
        autoFocus
        aria-describedby={`${boxId}-hint`}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <p id={`${boxId}-hint`} className="muted hint">
        {t('order.chat.editHint')}
      </p>
      <div className="row">
        <button type="submit" disabled={save.isPending || !draft.trim()}>
          {save.isPending ? t('order.actions.working') : t('order.chat.saveEdit')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
      {save.error && (
        <p role="alert" className="problem">
          {messageRefusal(save.error, people, t)}
        </p>
      )}
    </form>
  );
}

/** Whether the time given is still ahead; the component renders again when it passes. */
function useStillBefore(until: string | undefined): boolean {
  const [, passed] = useState(0);
  const left = until ? Date.parse(until) - Date.now() : 0;
  useEffect(() => {
    if (!until) return;
    const wait = Date.parse(until) - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(() => passed((n) => n + 1), wait + 50);
    return () => clearTimeout(timer);
  }, [until]);
  return left > 0;
}
