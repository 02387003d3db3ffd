import { logProjections } from '@petalpost/event-store';
import { conversationInboxProjection } from './conversation-inbox/conversation-inbox.projection';
import { conversationMessagesProjection } from './conversation-messages/conversation-messages.projection';
import { shopChannelsProjection } from './shop-channels/shop-channels.projection';

/** The read models of the conversations and shop channels, kept up to date from the log while the service runs. */
export const messagingProjections = logProjections('MessagingProjections', () => [
  conversationInboxProjection,
  conversationMessagesProjection,
  shopChannelsProjection,
]);
