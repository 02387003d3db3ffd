import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useOutbox } from '../../outbox/outbox';
import { useSession } from '../../session';
import { useShopFormat } from '../common/format';
import { isOpen, useOrder, useRiderOrders } from '../common/orders';
import { Problem } from '../common/problem';
import { useShop } from '../common/shop';
import { type ChatTarget, type SendParams, sendMessage } from './chat-actions';
import { type ChatMessage, useOrderChat, usePeople, useQuickReplies, useShopChannels, useShopChat } from './chat-data';
import { repliesIn } from './quick-replies';
import '../common/controls.css';
import './chat.css';

const sameTarget = (a: ChatTarget, b: ChatTarget) =>
  a.kind === 'order' ? b.kind === 'order' && a.orderId === b.orderId : b.kind === 'shop' && a.channelId === b.channelId;

/** /chat/:orderId — the order's internal channel; /chat — the shop's channels and the chats of the rider's stops. */
export function ChatPage() {
  const { orderId } = useParams();
  return orderId ? <OrderChat orderId={orderId} /> : <ShopChat />;
}

function OrderChat({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const order = useOrder(orderId);
  const messages = useOrderChat(orderId);
  const name = order.data?.recipient && order.data.recipient !== 'erased' ? order.data.recipient.name : (order.data?.reference ?? '');
  return (
    <section className="chat-page">
      <Link to={`/stops/${orderId}`} className="back">
        {t('shared.back')}
      </Link>
      <h1>{t('chat.orderTitle', { name })}</h1>
      <Problem error={messages.error} />
      <Conversation target={{ kind: 'order', orderId }} messages={messages.data} />
    </section>
  );
}

function ShopChat() {
  const { t } = useTranslation();
  const shop = useShop();
  const channels = useShopChannels(shop?.shopId);
  const [chosen, setChosen] = useState<string>();
  const channelId = chosen ?? channels.data?.[0]?.channelId;
  const messages = useShopChat(shop?.shopId, channelId);
  const orders = useRiderOrders();
  const open = orders.data?.items.filter((o) => isOpen(o.status)) ?? [];

  return (
    <section className="chat-page">
      <h1>{t('chat.title')}</h1>
      <section aria-labelledby="shop-channel-title">
        <h2 id="shop-channel-title">{t('chat.shopChannel', { shop: shop?.shopName ?? '' })}</h2>
        <Problem error={channels.error} />
        {channels.data && channels.data.length === 0 && <p>{t('chat.noShopChannel')}</p>}
        {channels.data && channels.data.length > 1 && (
          <div className="chips" role="group" aria-label={t('chat.channels')}>
            {channels.data.map((c) => (
              <button key={c.channelId} type="button" className="chip" aria-pressed={c.channelId === channelId} onClick={() => setChosen(c.channelId)}>
                {c.name}
              </button>
            ))}
          </div>
        )}
        {shop && channelId && <Conversation target={{ kind: 'shop', shopId: shop.shopId, channelId }} messages={messages.data} />}
      </section>
      {open.length > 0 && (
        <section aria-labelledby="order-chats-title">
          <h2 id="order-chats-title">{t('chat.orderChats')}</h2>
          <ul className="order-chats">
            {open.map((o) => (
              <li key={o.orderId}>
                <Link to={`/chat/${o.orderId}`}>{o.recipientName ?? o.reference ?? o.orderId}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

function Conversation({ target, messages }: { target: ChatTarget; messages: ChatMessage[] | undefined }) {
  const { t, i18n } = useTranslation();
  const format = useShopFormat();
  const session = useSession();
  const shop = useShop();
  const people = usePeople(shop?.shopId);
  const replies = useQuickReplies(shop?.shopId);
  const quickReplies = repliesIn(replies.data?.replies ?? [], i18n.language);
  const [text, setText] = useState('');
  const waiting = useOutbox().filter((e) => e.kind === 'send-message' && sameTarget((e.params as SendParams).target, target));

  const authorOf = (m: ChatMessage) => {
    if (!m.author) return t('chat.system');
    if (m.author.subject === session?.personId) return t('chat.me');
    return people.data?.get(m.author.subject) ?? t(`chat.roles.${m.author.role as 'staff'}`, { defaultValue: m.author.role });
  };
  const textOf = (m: ChatMessage) => (m.system ? t(`chat.systemText.${m.system.kind}`) : m.text);
  const send = (params: Omit<SendParams, 'target'>) => void sendMessage({ target, ...params }, target.kind === 'order' ? { orderId: target.orderId } : {});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    send({ text: text.trim(), shown: text.trim() });
    setText('');
  };

  return (
    <div className="conversation">
      <ol className="messages" aria-live="polite" aria-label={t('chat.messages')}>
        {messages?.map((m) => (
          <li key={m.messageId} className={m.author?.subject === session?.personId ? 'message mine' : m.author ? 'message' : 'message system'}>
            <span className="message-meta">
              {authorOf(m)} · {format.time(m.postedAt)}
            </span>
            <span className="message-text">{textOf(m)}</span>
          </li>
        ))}
        {waiting.map((e) => (
          <li key={e.id} className="message mine waiting">
            <span className="message-meta">
              {t('chat.me')} · {e.state === 'refused' ? t('chat.refused', { message: e.refusal?.message ?? '' }) : t('chat.waiting')}
            </span>
            <span className="message-text">{(e.params as SendParams).shown}</span>
          </li>
        ))}
      </ol>
      {quickReplies.length > 0 && (
        <div className="chips" role="group" aria-label={t('chat.quickReplies')}>
          {quickReplies.map((r) => (
            <button key={r.id} type="button" className="chip" onClick={() => send({ quickReplyId: r.id, shown: r.text })}>
              {r.text}
            </button>
          ))}
        </div>
      )}
      <form onSubmit={submit} className="composer">
        <label>
          <span className="visually-hidden">{t('chat.message')}</span>
          <input value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} placeholder={t('chat.placeholder')} />
        </label>
        <button type="submit" disabled={text.trim() === ''}>
          {t('chat.send')}
        </button>
      </form>
    </div>
  );
}
