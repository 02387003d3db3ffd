import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data, idempotencyKey } from '../../api';
import { activeMention, applyMention, type MentionCandidate, suggest, toServiceText } from './mentions';
import { roleLabel } from './labels';
import type { Channel, Conversation, Message } from './order-api';
import type { People } from './people';

const ROLES_BY_CHANNEL: Record<Channel, Array<'staff' | 'florist' | 'dispatcher'>> = {
  internal: ['staff', 'florist', 'dispatcher'],
  customer: ['staff'],
};

interface ComposerProps {
  orderId: string;
  channel: Channel;
  conversation: Conversation;
  messages: Message[];
  people: People;
  myId: string;
}

/**
 * Writes to one channel. Typing @ offers the shop's people who may read the channel (those who
 * already took part first, since the service knows only them) and the roles; arrows move, Enter or
 * Tab picks, Escape closes. A photo goes up first and rides along as an attachment.
 */
export function MessageComposer({ orderId, channel, conversation, messages, people, myId }: ComposerProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [picked, setPicked] = useState<MentionCandidate[]>([]);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | undefined>(undefined);
  const [photo, setPhoto] = useState<File | undefined>(undefined);
  const box = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const listId = useId();
  const boxId = useId();

  const candidates = useMemo(() => {
    const roles = ROLES_BY_CHANNEL[channel];
    const tookPart = new Set(messages.flatMap((m) => (m.author ? [m.author.subject] : [])));
    const persons: MentionCandidate[] = people.members
      .filter((m) => m.personId !== myId && m.roles.some((r) => (roles as string[]).includes(r)))
      .map((m) => ({ token: m.personId, label: m.displayName, kind: 'person' as const, tookPart: tookPart.has(m.personId) }));
    if (channel === 'internal' && conversation.riderId && conversation.riderId !== myId && !persons.some((p) => p.token === conversation.riderId)) {
      persons.push({ token: conversation.riderId, label: people.rider(conversation.riderId), kind: 'person', tookPart: true });
    }
    persons.sort((a, b) => Number(tookPart.has(b.token)) - Number(tookPart.has(a.token)) || a.label.localeCompare(b.label));
    return [...persons, ...roles.map((role) => ({ token: role, label: role, kind: 'role' as const }))];
  }, [channel, conversation.riderId, messages, people, myId]);

  const mention = activeMention(text, caret);
  const suggestions = mention && mention.start !== dismissedAt ? suggest(candidates, mention.query) : [];
  const open = suggestions.length > 0;
  const activeIndex = Math.min(active, suggestions.length - 1);

  const send = useMutation({
    mutationFn: async () => {
      const attachmentRefs: string[] = [];
      if (photo) {
        const form = new FormData();
        form.set('purpose', 'message');
        form.set('file', photo);
        const uploaded = await data(
          api.messaging.POST('/orders/{orderId}/attachments', {
            params: { path: { orderId } },
            body: { purpose: 'message', file: photo },
            bodySerializer: () => form,
          }),
        );
        attachmentRefs.push(uploaded.attachmentId);
      }
      const body = toServiceText(text, picked).trim();
      return data(
        api.messaging.POST('/conversations/{orderId}/channels/{channel}/messages', {
          params: { path: { orderId, channel } },
          headers: { 'idempotency-key': idempotencyKey() },
          body: { ...(body ? { text: body } : {}), attachmentRefs },
        }),
      );
    },
    onSuccess: () => {
      setText('');
      setPicked([]);
      setPhoto(undefined);
      if (fileInput.current) fileInput.current.value = '';
      void client.invalidateQueries({ queryKey: ['conversation', orderId] });
    },
  });

  const pick = (candidate: MentionCandidate) => {
    if (!mention) return;
    const next = applyMention(text, mention, candidate);
    setText(next.text);
    setCaret(next.caret);
    setPicked((p) => (p.some((c) => c.token === candidate.token) ? p : [...p, candidate]));
    setActive(0);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((activeIndex + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(suggestions[activeIndex]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedAt(mention?.start);
        return;
      }
    }
    // Ctrl/⌘+Enter sends; Enter alone starts a new line.
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!send.isPending) send.mutate();
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  const words =
    channel === 'internal'
      ? { box: t('order.chat.boxInternal'), send: t('order.chat.sendInternal'), attach: t('order.chat.attachInternal') }
      : { box: t('order.chat.boxCustomer'), send: t('order.chat.sendCustomer'), attach: t('order.chat.attachCustomer') };
  const optionId = (i: number) => `${listId}-option-${i}`;
  // The service names refused mentions by id; the reader knows them by name.
  const sendProblem = (error: Error) => {
    const mentioned = error instanceof ApiError && Array.isArray(error.details?.mentions) ? (error.details.mentions as string[]) : undefined;
    const names = mentioned?.map((m) => (m.startsWith('@') ? m : `@${people.name(m)}`)).join(', ');
    if (names && error instanceof ApiError && error.code === 'MENTION_UNKNOWN') return t('order.chat.mentionUnknown', { names });
    if (names && error instanceof ApiError && error.code === 'MENTION_NOT_ALLOWED') return t('order.chat.mentionNotAllowed', { names });
    return t('common.error', { message: error.message });
  };

  return (
    <form className="composer stack" onSubmit={submit}>
      <label htmlFor={boxId}>{words.box}</label>
      <div className="mention-anchor">
        <textarea
          id={boxId}
          ref={box}
          rows={3}
          maxLength={2000}
          value={text}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? optionId(activeIndex) : undefined}
          aria-describedby={`${boxId}-hint`}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={() => setDismissedAt(mention?.start)}
          onFocus={() => setDismissedAt(undefined)}
        />
        {open && (
          <ul id={listId} role="listbox" className="mention-list" aria-label={t('order.chat.mentionSuggestions')}>
            {suggestions.map((c, i) => (
              <li
                key={c.token}
                id={optionId(i)}
                role="option"
                aria-selected={i === activeIndex}
                className={i === activeIndex ? 'active' : undefined}
                // Keep the focus in the box: a click picks without blurring it.
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(c);
                }}
              >
                @{c.label}
                {c.kind === 'role' && <span className="muted"> · {t('order.chat.everyone', { role: roleLabel(c.token, t) })}</span>}
                {c.kind === 'person' && !c.tookPart && <span className="muted"> · {t('order.chat.notHereYet')}</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
      <p id={`${boxId}-hint`} className="muted hint">
        {t('order.chat.hint')}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {open ? t('order.chat.suggestionsCount', { count: suggestions.length }) : ''}
      </p>
      <div className="row">
        <label className="inline">
          {words.attach}
          <input ref={fileInput} type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => setPhoto(e.target.files?.[0])} />
        </label>
        <button type="submit" disabled={send.isPending || (!text.trim() && !photo)}>
          {send.isPending ? t('order.chat.sending') : words.send}
        </button>
      </div>
      {send.error && (
        <p role="alert" className="problem">
          {sendProblem(send.error)}
        </p>
      )}
    </form>
  );
}
