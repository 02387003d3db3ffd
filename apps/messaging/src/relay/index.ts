// The relay of the service's log: what goes to messaging.events and orders.commands, and its checkpoint table.
export { messagingRelay } from './messaging-relay';
export { MessagingRelayCheckpoint1767000000000 } from './messaging-relay.migration';
