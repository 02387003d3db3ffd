import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data } from '../../api';
import { useFormat } from '../../format';
import { useOrderNotifications } from '../../live/live';
import { AttachmentThumbnail } from './attachment-thumbnail';
import { MessageComposer } from './message-composer';
import { toReadableText } from './mentions';
import { type Channel, type Conversation, type Message, useConversation, useMessages } from './order-api';
import { channelName, roleLabel } from './labels';
import type { People } from './people';

/** The order's two conversations, each channel the reader may read, side by side. */
export function OrderConversations({ orderId, people, myId }: { orderId: string; people: People; myId: string }) {
  const { t } = useTranslation();
  const conversation = useConversation(orderId);
  return (
    <section className="card order-conversations" aria-labelledby="conversations-title">
      <h2 id="conversations-title">{t('order.chat.title')}</h2>
      {conversation.isPending && <p role="status">{t('common.loading')}</p>}
      {conversation.error instanceof ApiError && conversation.error.status === 404 && <p className="muted">{t('order.chat.none')}</p>}
      {conversation.error && !(conversation.error instanceof ApiError && conversation.error.status === 404) && (
        <p role="alert" className="problem">
          {t('common.error', { message: conversation.error.message })}
        </p>
      )}
      {conversation.data && (
        <div className="channels">
          {conversation.data.channels.map((c) => (
            <ChannelPanel key={c.channel} orderId={orderId} channel={c} conversation={conversation.data} people={people} myId={myId} />
          ))}
        </div>
      )}
    </section>
  );
}

interface ChannelProps {
  orderId: string;
  channel: Conversation['channels'][number];
  conversation: Conversation;
  people: People;
  myId: string;
}

function ChannelPanel({ orderId, channel, conversation, people, myId }: ChannelProps) {
  const { t } = useTranslation();
  const messages = useMessages(orderId, channel.channel);
  const readers = useReaders(orderId, channel.channel, myId);
  const list = messages.data ?? [];
  useMarkRead(orderId, channel.channel, channel.unread, list.at(-1)?.messageId);
  const titleId = `channel-${channel.channel}`;

  return (
    <section className="channel" aria-labelledby={titleId} data-channel={channel.channel}>
      <h3 id={titleId}>
        {channelName(channel.channel, t)}
        {channel.unread > 0 && <span className="badge unread">{t('order.chat.unread', { count: channel.unread })}</span>}
      </h3>
      {messages.isPending && <p role="status">{t('common.loading')}</p>}
      {messages.error && (
        <p role="alert" className="problem">
          {t('common.error', { message: messages.error.message })}
        </p>
      )}
      {messages.data && list.length === 0 && <p className="muted">{t('order.chat.empty')}</p>}
      {list.length > 0 && (
        <ol className="messages" aria-label={t('order.chat.messagesOf', { channel: channelName(channel.channel, t) })}>
          {list.map((m) => (
            <MessageItem key={m.messageId} message={m} people={people} mine={m.author?.subject === myId} readBy={readers.get(m.messageId) ?? []} />
          ))}
        </ol>
      )}
      {channel.canPost && (
        <MessageComposer orderId={orderId} channel={channel.channel} conversation={conversation} messages={list} people={people} myId={myId} />
      )}
    </section>
  );
}

interface Reader {
  role: string;
  subject: string;
}

function personName(person: Reader, people: People, t: ReturnType<typeof useTranslation>['t']): string {
  if (person.role === 'customer') return t('order.customer');
  return person.role === 'rider' ? people.rider(person.subject) : people.name(person.subject);
}

function MessageItem({ message, people, mine, readBy }: { message: Message; people: People; mine: boolean; readBy: Reader[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const author = message.author;
  const who = author ? personName(author, people, t) : t('order.chat.system');
  return (
    <li className={`message${mine ? ' mine' : ''}${author ? '' : ' system'}`} data-message-id={message.messageId}>
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
      <p className="text">{toReadableText(message.text, people.names)}</p>
      {message.attachmentRefs.length > 0 && (
        <div className="thumbs">
          {message.attachmentRefs.map((id) => (
            <AttachmentThumbnail key={id} attachmentId={id} />
          ))}
        </div>
      )}
      {readBy.length > 0 && <p className="read-by muted">{t('order.chat.readBy', { names: readBy.map((r) => personName(r, people, t)).join(', ') })}</p>}
    </li>
  );
}

/**
 * Who has read how far, from the read receipts the live stream brings (the service tells staff
 * and, for the internal channel, dispatchers). Each reader is shown once, under the newest message
 * they read. Receipts from before this page opened are not listed by any API.
 */
function useReaders(orderId: string, channel: Channel, myId: string): Map<string, Reader[]> {
  const notifications = useOrderNotifications(orderId);
  return useMemo(() => {
    const latest = new Map<string, { upTo: string; reader: Reader }>();
    for (const n of notifications) {
      if (n.eventType !== 'MessagesRead' || n.data?.channel !== channel) continue;
      const reader = n.data.reader as Partial<Reader> | undefined;
      const upTo = n.data.upToMessageId;
      if (!reader?.subject || !reader.role || typeof upTo !== 'string' || reader.subject === myId) continue;
      // Newest first: the first receipt of a reader is their latest.
      if (!latest.has(reader.subject)) latest.set(reader.subject, { upTo, reader: reader as Reader });
    }
    const byMessage = new Map<string, Reader[]>();
    for (const { upTo, reader } of latest.values()) byMessage.set(upTo, [...(byMessage.get(upTo) ?? []), reader]);
    return byMessage;
  }, [notifications, channel, myId]);
}

/** Tells the service this reader has seen the channel up to its newest message, once per new message. */
function useMarkRead(orderId: string, channel: Channel, unread: number, newestId: string | undefined) {
  const client = useQueryClient();
  const marked = useRef<string | undefined>(undefined);
  const read = useMutation({
    mutationFn: (upToMessageId: string) =>
      data(api.messaging.POST('/conversations/{orderId}/channels/{channel}/read', { params: { path: { orderId, channel } }, body: { upToMessageId } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['conversation', orderId], exact: true }),
  });
  const { mutate } = read;
  useEffect(() => {
    if (!newestId || unread === 0 || marked.current === newestId) return;
    marked.current = newestId;
    mutate(newestId);
  }, [newestId, unread, mutate]);
}
