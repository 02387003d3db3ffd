import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../../ui/api-problem';
import { CONNECTIONS_QUERY } from './connections-query';
import { type Connection, intakeApi } from './intake-api';
import {
  type FieldMapping,
  MAPPED_FIELDS,
  type MappedField,
  mappingDraft,
  type MappingDraft,
  mappingFrom,
  newRef,
  REF_PLACES,
  type RefDraft,
} from './mapping-draft';

/**
 * Where the shop's delivery-date app puts the date, the time, the card message and the two
 * flags: for each, the places to look in order. A field with no place uses the usual names of
 * the popular apps (docs/intake.md).
 */
export function MappingEditor({ connection, onSaved }: { connection: Connection; onSaved: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState<MappingDraft>(() => mappingDraft(connection.mapping as FieldMapping | undefined));
  const setRefs = (field: MappedField, refs: RefDraft[]) => setDraft((d) => ({ ...d, refs: { ...d.refs, [field]: refs } }));
  const save = useMutation({
    mutationFn: () => intakeApi.change(connection.connectionId, { mapping: mappingFrom(draft) }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: CONNECTIONS_QUERY });
      onSaved();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="stack mapping" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('intake.mapping.title')}</h4>
      <p className="muted small">{t(`intake.mapping.note.${connection.platform}`)}</p>
      {MAPPED_FIELDS.map((field) => (
        <FieldPlaces key={field} field={field} refs={draft.refs[field]} onChange={(refs) => setRefs(field, refs)} />
      ))}
      <label className="inline">
        <input type="checkbox" checked={draft.dayFirst} onChange={(e) => setDraft((d) => ({ ...d, dayFirst: e.target.checked }))} />
        {t('intake.mapping.dayFirst')}
      </label>
      <fieldset className="row">
        <legend>{t('intake.mapping.defaultWindow')}</legend>
        <label>
          {t('intake.attention.from')}
          <input type="time" value={draft.windowFrom} onChange={(e) => setDraft((d) => ({ ...d, windowFrom: e.target.value }))} />
        </label>
        <label>
          {t('intake.attention.to')}
          <input type="time" value={draft.windowTo} onChange={(e) => setDraft((d) => ({ ...d, windowTo: e.target.value }))} />
        </label>
      </fieldset>
      <ApiProblem error={save.error} />
      <div>
        <button type="submit" disabled={save.isPending}>
          {t('intake.mapping.save')}
        </button>
      </div>
    </form>
  );
}

function FieldPlaces({ field, refs, onChange }: { field: MappedField; refs: RefDraft[]; onChange: (refs: RefDraft[]) => void }) {
  const { t } = useTranslation();
  const fieldName = t(`intake.mapping.field.${field}`);
  const change = (key: string, patch: Partial<RefDraft>) => onChange(refs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <fieldset className="stack" data-field={field}>
      <legend>{fieldName}</legend>
      {refs.length === 0 && <p className="muted small">{t('intake.mapping.usual')}</p>}
      {refs.map((ref, i) => (
        <div key={ref.key} className="row">
          <label>
            {t('intake.mapping.place', { n: i + 1 })}
            <select value={ref.from} onChange={(e) => change(ref.key, { from: e.target.value as RefDraft['from'] })}>
              {REF_PLACES.map((place) => (
                <option key={place} value={place}>
                  {t(`intake.mapping.from.${place}`)}
                </option>
              ))}
            </select>
          </label>
          {ref.from !== 'note' && (
            <label className="grow">
              {t('intake.mapping.name', { n: i + 1 })}
              <input value={ref.name} onChange={(e) => change(ref.key, { name: e.target.value })} />
            </label>
          )}
          <button type="button" onClick={() => onChange(refs.filter((r) => r.key !== ref.key))}>
            {t('intake.mapping.remove', { field: fieldName, n: i + 1 })}
          </button>
        </div>
      ))}
      <div>
        <button type="button" onClick={() => onChange([...refs, newRef()])}>
          {t('intake.mapping.add', { field: fieldName })}
        </button>
      </div>
    </fieldset>
  );
}
