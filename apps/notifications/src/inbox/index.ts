// The inbox slice's entry point: what the app wires — the inbox store and writer, its fan-out to readers,
// the push socket and SSE stream, acknowledgements and their escalation.
export { Acks } from './acks/acks.service';
export { criticalResender } from './acks/critical-resender';
export { ESCALATION_CHANNEL, escalationChannelFor } from './acks/escalation-channel';
export { escalationSweep } from './acks/escalation-sweep';
export { NotificationsController } from './api/notifications.controller';
export { PushGateway } from './api/push.gateway';
export { PushWsAdapter } from './api/push-ws-adapter';
export { STREAM_TICKET, SseController } from './api/sse.controller';
export { StreamTicketStore, StreamTickets1768000000000, StreamTicketsController } from './api/stream-tickets';
export type { Audience } from './domain/audiences';
export { integrationEventsConsumer } from './consumers/integration-events.consumer';
export { DeliveriesOnTheRoad } from './delivery/deliveries-on-the-road';
export { InboxFanout } from './delivery/inbox-fanout';
export { InboxListener } from './inbox-listener';
export { inboxRetention } from './inbox-retention';
export { NotificationInbox1764000000600 } from './inbox.migration';
export { type InboxEntry, InboxStore } from './inbox.store';
export { InboxWriter } from './inbox-writer';
