// The conversations slice's entry point: order and shop channels and quick replies — their routes,
// consumers, read models and tables, what the relay publishes of them, and the conversation an
// attachment belongs to.
export { ConversationsController } from './api/conversations.controller';
export { QuickRepliesController } from './api/quick-replies.controller';
export { ShopChannelsController } from './api/shop-channels.controller';
export { messagingCommandsConsumer } from './consumers/messaging-commands.consumer';
export { orderEventsConsumer } from './consumers/order-events.consumer';
export { Conversations1764000000200 } from './conversations.migration';
export { shopOfConversation } from './conversations.queries';
export { ConversationInbox1764000000600 } from './projections/conversation-inbox/conversation-inbox.migration';
export { ConversationMessageSystem1768000000200 } from './projections/conversation-messages/conversation-message-system.migration';
export { ConversationMessages1766000000700 } from './projections/conversation-messages/conversation-messages.migration';
export { ConversationReadPositions1768000000000 } from './projections/conversation-messages/conversation-read-positions.migration';
export { messagingProjections } from './projections/conversation-projections';
export { ShopChannels1768000000300 } from './projections/shop-channels/shop-channels.migration';
export { toIntegrationEvents } from './relay/conversation-integration-events';
