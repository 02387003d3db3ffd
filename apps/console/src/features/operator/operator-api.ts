import { api, data } from '../../api';

// The services share one operators' API shape; each has its own typed client, so each gets a line.

/** The services that keep projections (an event log of their own). */
export const PROJECTION_SERVICES = ['orders', 'dispatch', 'messaging', 'accounts'] as const;
export type ProjectionService = (typeof PROJECTION_SERVICES)[number];

export const listProjections: Record<ProjectionService, () => ReturnType<typeof ordersProjections>> = {
  orders: () => ordersProjections(),
  dispatch: () => data(api.dispatch.GET('/admin/projections')),
  messaging: () => data(api.messaging.GET('/admin/projections')),
  accounts: () => data(api.accounts.GET('/admin/projections')),
};
function ordersProjections() {
  return data(api.orders.GET('/admin/projections'));
}
export type Projection = Awaited<ReturnType<typeof ordersProjections>>['items'][number];

const rebuildArgs = (name: string) => ({ params: { path: { name } }, body: {} });
export const rebuildProjection: Record<ProjectionService, (name: string) => Promise<unknown>> = {
  orders: (name) => data(api.orders.POST('/admin/projections/{name}/rebuild', rebuildArgs(name))),
  dispatch: (name) => data(api.dispatch.POST('/admin/projections/{name}/rebuild', rebuildArgs(name))),
  messaging: (name) => data(api.messaging.POST('/admin/projections/{name}/rebuild', rebuildArgs(name))),
  accounts: (name) => data(api.accounts.POST('/admin/projections/{name}/rebuild', rebuildArgs(name))),
};

/** The services with Kafka consumer groups, each parking what it cannot process on a dead-letter topic. */
export const DEAD_LETTER_SERVICES = ['orders', 'dispatch', 'messaging', 'notifications'] as const;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

const latest = { params: { query: { limit: 20 } } };
function ordersDeadLetters() {
  return data(api.orders.GET('/admin/dead-letters', latest));
}
export const listDeadLetters: Record<DeadLetterService, () => ReturnType<typeof ordersDeadLetters>> = {
  orders: () => ordersDeadLetters(),
  dispatch: () => data(api.dispatch.GET('/admin/dead-letters', latest)),
  messaging: () => data(api.messaging.GET('/admin/dead-letters', latest)),
  notifications: () => data(api.notifications.GET('/admin/dead-letters', latest)),
};
export type DeadLetterTopic = Awaited<ReturnType<typeof ordersDeadLetters>>['items'][number];
export type DeadLetter = DeadLetterTopic['latest'][number];

function ordersReplay(letter: DeadLetter) {
  return data(api.orders.POST('/admin/dead-letters/{topic}/{partition}/{offset}/replay', replayArgs(letter)));
}
const replayArgs = ({ topic, partition, offset }: DeadLetter) => ({ params: { path: { topic, partition: String(partition), offset } }, body: {} });
export type ReplayAnswer = Awaited<ReturnType<typeof ordersReplay>>;
export const replayDeadLetter: Record<DeadLetterService, (letter: DeadLetter) => Promise<ReplayAnswer>> = {
  orders: (letter) => ordersReplay(letter),
  dispatch: (letter) => data(api.dispatch.POST('/admin/dead-letters/{topic}/{partition}/{offset}/replay', replayArgs(letter))),
  messaging: (letter) => data(api.messaging.POST('/admin/dead-letters/{topic}/{partition}/{offset}/replay', replayArgs(letter))),
  notifications: (letter) => data(api.notifications.POST('/admin/dead-letters/{topic}/{partition}/{offset}/replay', replayArgs(letter))),
};
