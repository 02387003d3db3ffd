/**
 * Kafka topics are contracts: their names, keys, who writes them and who reads them. They are
 * created idempotently at start from this one list, and docs/contracts.md and the AsyncAPI
 * documents in docs/asyncapi are generated from it.
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** What the message key is; per-key order is what consumers rely on. */
  key: string;
  config: Record<string, string>;
}

/** The services that meet on Kafka. */
export const SERVICE_NAMES = ['orders', 'dispatch', 'messaging', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A topic of the system, with the services that produce it. */
export interface SystemTopic extends TopicSpec {
  producedBy: readonly ServiceName[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPICS = {
  ordersEvents: {
    name: 'orders.events',
    partitions: 3,
    key: 'the stream id: order-<order id>, person-<person id> (erasures), intake-<intake id> (orders from shop systems)',
    producedBy: ['orders'],
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  ordersCommands: {
    name: 'orders.commands',
    partitions: 3,
    key: 'order id',
    // Which service sends which command: ORDER_COMMAND_SENDERS.
    producedBy: ['dispatch', 'messaging'],
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  dispatchEvents: {
    name: 'dispatch.events',
    partitions: 3,
    key: 'order id (assignments, ETAs, risks), else rider id (riders), else shop id (plans, settings)',
    producedBy: ['dispatch'],
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  messagingEvents: {
    name: 'messaging.events',
    partitions: 3,
    key: 'order id (conversations, exception reports), else the stream id (shop channels)',
    producedBy: ['messaging'],
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  messagingCommands: {
    name: 'messaging.commands',
    partitions: 3,
    key: 'order id',
    producedBy: ['notifications'],
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  riderLocations: {
    name: 'riders.locations',
    partitions: 3,
    key: 'rider id',
    producedBy: ['dispatch'],
    // High volume and only the recent trail matters: keep a day.
    config: { 'retention.ms': String(DAY_MS), 'cleanup.policy': 'delete' },
  },
} as const satisfies Record<string, SystemTopic>;

export type TopicKey = keyof typeof TOPICS;
type TopicName = (typeof TOPICS)[TopicKey]['name'];

const { ordersEvents, ordersCommands, dispatchEvents, messagingEvents, messagingCommands, riderLocations } = TOPICS;

/**
 * Every consumer group, named petalpost.<service>.<purpose>, and the topics it reads. A consumer
 * takes its subscription from here (kafkaConsumer accepts nothing else), so this table is what the
 * services read, and the AsyncAPI documents cannot miss a reader.
 */
export const CONSUMER_GROUPS = {
  notificationsPush: { group: 'petalpost.notifications.push', topics: [ordersEvents.name, dispatchEvents.name, messagingEvents.name] },
  notificationsWebhooks: { group: 'petalpost.notifications.webhooks', topics: [ordersEvents.name, dispatchEvents.name, messagingEvents.name] },
  notificationsTracking: { group: 'petalpost.notifications.tracking', topics: [ordersEvents.name, dispatchEvents.name, messagingEvents.name] },
  ordersCommands: { group: 'petalpost.orders.commands', topics: [ordersCommands.name] },
  ordersWriteback: { group: 'petalpost.orders.writeback', topics: [ordersEvents.name] },
  // The riders' names and phones, and their positions, that Chinese platforms are told (商家自配送).
  ordersRiders: { group: 'petalpost.orders.riders', topics: [dispatchEvents.name] },
  ordersPositions: { group: 'petalpost.orders.positions', topics: [riderLocations.name] },
  dispatchOrders: { group: 'petalpost.dispatch.orders', topics: [ordersEvents.name] },
  dispatchDemand: { group: 'petalpost.dispatch.demand', topics: [ordersEvents.name] },
  dispatchPlanning: { group: 'petalpost.dispatch.planning', topics: [ordersEvents.name, dispatchEvents.name, messagingEvents.name] },
  messagingOrders: { group: 'petalpost.messaging.orders', topics: [ordersEvents.name] },
  messagingExceptions: { group: 'petalpost.messaging.exceptions', topics: [ordersEvents.name] },
  messagingCommands: { group: 'petalpost.messaging.commands', topics: [messagingCommands.name] },
} as const satisfies Record<string, { group: string; topics: readonly TopicName[] }>;

/** One consumer group's subscription, as CONSUMER_GROUPS declares it. */
export type ConsumerGroup = (typeof CONSUMER_GROUPS)[keyof typeof CONSUMER_GROUPS];

/**
 * Readers that commit nothing and park nothing: every replica reads in a group of its own (this
 * prefix, its host and a random suffix) from the end of the topic. A rider's position is stale in
 * seconds, and each replica needs all of them.
 */
export const REPLICA_READERS = {
  notificationsPositions: { groupPrefix: 'petalpost.notifications.push.positions', topics: [TOPICS.riderLocations.name] },
} as const satisfies Record<string, { groupPrefix: string; topics: readonly TopicName[] }>;

/** The service a consumer group (or a replica reader's prefix) belongs to: the `<service>` of petalpost.<service>.<purpose>. */
export function serviceOfGroup(group: string): ServiceName {
  const service = SERVICE_NAMES.find((name) => group.split('.')[1] === name);
  if (service) return service;
  throw new Error(`consumer group ${group} does not name a service (petalpost.<service>.<purpose>)`);
}

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
  const groups = Object.values(CONSUMER_GROUPS).map(({ group }) => deadLetterTopic(namespaced(group, namespace)));
  return [...Object.values(TOPICS).map((t) => ({ ...t, name: namespaced(t.name, namespace) })), ...groups];
}
