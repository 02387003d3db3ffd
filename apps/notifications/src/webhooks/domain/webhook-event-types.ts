/**
 * Which events a subscription receives: the types it names, or every type with `['*']`. Types are
 * the integration events' names (`OrderPlaced`, `OrderDelivered`, …), matched exactly.
 */

export const ALL_EVENT_TYPES = '*';
export const EVENT_TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,99}$/;

export function matchesEventType(subscribed: readonly string[], type: string): boolean {
  return subscribed.includes(ALL_EVENT_TYPES) || subscribed.includes(type);
}

/** Why a list of event types cannot be subscribed to, or undefined when it can. */
export function eventTypesProblem(types: readonly string[]): string | undefined {
  if (types.length === 0) return 'name at least one event type, or "*" for all';
  if (types.includes(ALL_EVENT_TYPES) && types.length > 1) return '"*" already means every type: give it alone';
  const invalid = types.find((t) => t !== ALL_EVENT_TYPES && !EVENT_TYPE_NAME.test(t));
  if (invalid !== undefined) return `"${invalid}" is not an event type name (such as OrderPlaced)`;
  if (new Set(types).size !== types.length) return 'an event type is named twice';
  return undefined;
}

/**
 * Which types a replay re-sends: what the subscription receives, narrowed to what was asked for.
 * 'all' when nothing narrows it; an empty list when the two do not overlap.
 */
export function replayedEventTypes(subscribed: readonly string[], requested?: readonly string[]): 'all' | string[] {
  const asked = requested === undefined || requested.includes(ALL_EVENT_TYPES) ? 'all' : requested;
  if (subscribed.includes(ALL_EVENT_TYPES)) return asked === 'all' ? 'all' : [...asked];
  return asked === 'all' ? [...subscribed] : asked.filter((type) => subscribed.includes(type));
}
