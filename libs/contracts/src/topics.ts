/**
 * Kafka topics are contracts: their names, keys and what flows on them are documented in
 * docs/architecture.md. They are created idempotently at start from this one list.
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** What the message key is; per-key order is what consumers rely on. */
  key: string;
  config: Record<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPICS = {
  ordersEvents: {
    name: 'orders.events',
    partitions: 3,
    key: 'order id (the stream id)',
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  ordersCommands: {
    name: 'orders.commands',
    partitions: 3,
    key: 'order id',
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  dispatchEvents: {
    name: 'dispatch.events',
    partitions: 3,
    key: 'stream id of the dispatch aggregate',
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  messagingEvents: {
    name: 'messaging.events',
    partitions: 3,
    key: 'order id (the conversation)',
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  messagingCommands: {
    name: 'messaging.commands',
    partitions: 3,
    key: 'order id',
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  riderLocations: {
    name: 'riders.locations',
    partitions: 3,
    key: 'rider id',
    // High volume and only the recent trail matters: keep a day.
    config: { 'retention.ms': String(DAY_MS), 'cleanup.policy': 'delete' },
  },
} as const satisfies Record<string, TopicSpec>;

/** Consumer groups are named petalpost.<service>.<purpose>. */
export const CONSUMER_GROUPS = {
  notificationsPush: 'petalpost.notifications.push',
  notificationsWebhooks: 'petalpost.notifications.webhooks',
  notificationsTracking: 'petalpost.notifications.tracking',
  ordersCommands: 'petalpost.orders.commands',
  dispatchOrders: 'petalpost.dispatch.orders',
  dispatchDemand: 'petalpost.dispatch.demand',
  dispatchPlanning: 'petalpost.dispatch.planning',
  messagingOrders: 'petalpost.messaging.orders',
  messagingExceptions: 'petalpost.messaging.exceptions',
  messagingCommands: 'petalpost.messaging.commands',
} as const;

/** Each consumer group parks what it cannot process on its own dead-letter topic. */
export function deadLetterTopic(groupId: string): TopicSpec {
  return {
    name: `${groupId}.dlq`,
    partitions: 1,
    key: 'the original message key',
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  };
}

/**
 * KAFKA_NAMESPACE prefixes every topic and group, so several environments (or test runs) can
 * share one cluster without seeing each other's messages. Empty in a dedicated cluster.
 */
export function namespaced(name: string, namespace: string): string {
  return namespace ? `${namespace}.${name}` : name;
}

/** Every topic the system needs, dead-letter topics included. */
export function allTopics(namespace = ''): TopicSpec[] {
  const groups = Object.values(CONSUMER_GROUPS).map((g) => deadLetterTopic(namespaced(g, namespace)));
  return [...Object.values(TOPICS).map((t) => ({ ...t, name: namespaced(t.name, namespace) })), ...groups];
}
