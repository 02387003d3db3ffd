import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data } from '../../api';
import { MessageComposer } from './message-composer';
import { MessageItem } from './message-item';
import { type Channel, type Conversation, type Message, type ReadPosition, useConversation, useMessages } from './order-api';
import { channelName } from './labels';
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
  const list = useMemo(() => messages.data ?? [], [messages.data]);
  const readers = useMemo(() => readersByMessage(channel, list, myId), [channel, list, myId]);
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
            <MessageItem
              key={m.messageId}
              orderId={orderId}
              channel={channel.channel}
              message={m}
              people={people}
              mine={m.author?.subject === myId}
              canPost={channel.canPost}
              readBy={readers.get(m.messageId) ?? []}
            />
          ))}
        </ol>
      )}
      {channel.canPost && (
        <MessageComposer orderId={orderId} channel={channel.channel} conversation={conversation} messages={list} people={people} myId={myId} />
      )}
    </section>
  );
}

/**
 * Who has read how far, as the service lists it (to the shop's staff, and of the internal channel
 * its dispatchers; others get no list and see none). Each reader is shown once, under the newest
 * message they read, leaving out the reader of this page and a message's own author. The live
 * stream refetches the conversation on every receipt.
 */
function readersByMessage(channel: Conversation['channels'][number], messages: Message[], myId: string): Map<string, ReadPosition[]> {
  const authorOf = new Map(messages.map((m) => [m.messageId, m.author?.subject]));
  const byMessage = new Map<string, ReadPosition[]>();
  for (const position of channel.readers ?? []) {
    const { subject } = position.reader;
    if (subject === myId || authorOf.get(position.upToMessageId) === subject) continue;
    byMessage.set(position.upToMessageId, [...(byMessage.get(position.upToMessageId) ?? []), position]);
  }
  return byMessage;
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
