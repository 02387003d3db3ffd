import { CONSUMER_GROUPS, REPLICA_READERS } from '@petalpost/contracts';

/** A topic's retention.ms in days (or hours), as people say it. */
export function retention(setting: string | undefined): string {
  if (setting === undefined) return 'broker default';
  const ms = Number(setting);
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} day${days === 1 ? '' : 's'}` : `${ms / 3_600_000} hours`;
}

/** The consumer groups that read a topic, and the readers that read it in a group per replica. */
export function readersOf(topic: string): string[] {
  return [
    ...Object.values(CONSUMER_GROUPS)
      .filter((g) => (g.topics as readonly string[]).includes(topic))
      .map((g) => `\`${g.group}\``),
    ...Object.values(REPLICA_READERS)
      .filter((r) => (r.topics as readonly string[]).includes(topic))
      .map((r) => `\`${r.groupPrefix}.<host>.<random>\` (a group per replica)`),
  ];
}
