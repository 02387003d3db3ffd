/**
 * A connection's field mapping as the service keeps it: for each field the places to look, in
 * order (an order attribute or meta key, a line-item property, or the order's note); a field
 * left out falls back to the usual names of the popular delivery-date apps.
 */
export const MAPPED_FIELDS = ['deliveryDate', 'deliveryTime', 'cardMessage', 'anonymousSender', 'doNotContactRecipient'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];
export const REF_PLACES = ['order', 'item', 'note'] as const;
export type RefPlace = (typeof REF_PLACES)[number];

export interface FieldRef {
  from: RefPlace;
  name?: string;
}
export interface FieldMapping {
  deliveryDate?: FieldRef[];
  deliveryTime?: FieldRef[];
  cardMessage?: FieldRef[];
  anonymousSender?: FieldRef[];
  doNotContactRecipient?: FieldRef[];
  dayFirst?: boolean;
  defaultWindow?: { from: string; to: string };
}

/** The editor's rows: every reference as typed, with a key that survives removing the one above. */
export interface RefDraft {
  key: string;
  from: RefPlace;
  name: string;
}
export interface MappingDraft {
  refs: Record<MappedField, RefDraft[]>;
  dayFirst: boolean;
  windowFrom: string;
  windowTo: string;
}

let nextKey = 0;
export const newRef = (from: RefPlace = 'order', name = ''): RefDraft => ({ key: `ref-${++nextKey}`, from, name });

export function mappingDraft(mapping: FieldMapping | undefined): MappingDraft {
  const m = mapping ?? {};
  return {
    refs: Object.fromEntries(MAPPED_FIELDS.map((field) => [field, (m[field] ?? []).map((ref) => newRef(ref.from, ref.name ?? ''))])) as Record<
      MappedField,
      RefDraft[]
    >,
    dayFirst: m.dayFirst ?? true,
    windowFrom: m.defaultWindow?.from ?? '',
    windowTo: m.defaultWindow?.to ?? '',
  };
}

/**
 * The mapping to save: a field without places is left out (so the usual names apply again), a
 * place without a name is dropped unless it is the note (which has none), and the default window
 * only when both ends are given.
 */
export function mappingFrom(draft: MappingDraft): FieldMapping {
  const mapping: FieldMapping = {};
  for (const field of MAPPED_FIELDS) {
    const refs = draft.refs[field].flatMap((ref): FieldRef[] =>
      ref.from === 'note' ? [{ from: 'note' }] : ref.name.trim() ? [{ from: ref.from, name: ref.name.trim() }] : [],
    );
    if (refs.length) mapping[field] = refs;
  }
  if (!draft.dayFirst) mapping.dayFirst = false;
  if (draft.windowFrom && draft.windowTo) mapping.defaultWindow = { from: draft.windowFrom, to: draft.windowTo };
  return mapping;
}
