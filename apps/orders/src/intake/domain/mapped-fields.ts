import { type IntakeOrder, type IntakeOrderInput, IntakeOrderSchema, UnreadablePayload } from './intake-order';

/** Small helpers both platforms' mappers share. */

/** A field only when it has a value (and passes `valid`): the normalized order refuses empty strings. */
export function optional<K extends string, V>(key: K, value: V | null | undefined, valid: (v: V) => boolean = () => true): Partial<Record<K, V>> {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || !valid(value)) return {};
  return { [key]: typeof value === 'string' ? value.trim() : value } as Partial<Record<K, V>>;
}

export function isPhone(value: string): boolean {
  return value.trim().length >= 3 && value.trim().length <= 40;
}

/** The normalized order, or UnreadablePayload naming what did not fit. */
export function normalized(order: IntakeOrderInput): IntakeOrder {
  const result = IntakeOrderSchema.safeParse(order);
  if (!result.success) throw new UnreadablePayload(`the order does not fit: ${result.error.issues[0]?.path.join('.')} ${result.error.issues[0]?.message}`);
  return result.data;
}

export function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
