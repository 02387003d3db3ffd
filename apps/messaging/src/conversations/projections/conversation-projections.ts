import { logProjections } from '@petalpost/event-store';
import { conversationInboxProjection } from './conversation-inbox/conversation-inbox.projection';
import { conversationMessagesProjection } from './conversation-messages/conversation-messages.projection';

/** The read models of the conversations, kept up to date from the log while the service runs. */
export const messagingProjections = logProjections('MessagingProjections', () => [conversationInboxProjection, conversationMessagesProjection]);
