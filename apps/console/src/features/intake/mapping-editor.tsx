import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../../ui/api-problem';
import { CONNECTIONS_QUERY } from './connections-query';
import { type Connection, intakeApi } from './intake-api';

const FIELDS = ['deliveryDate', 'deliverySlot', 'cardMessage'] as const;
type Field = (typeof FIELDS)[number];

/** Where the shop's delivery-date app puts each field, as attribute names; saved as the connection's mapping. */
export function MappingEditor({ connection, onSaved }: { connection: Connection; onSaved: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const current = (connection.mapping ?? {}) as Partial<Record<Field, string>>;
  const [mapping, setMapping] = useState<Record<Field, string>>(() => Object.fromEntries(FIELDS.map((f) => [f, current[f] ?? ''])) as Record<Field, string>);
  const save = useMutation({
    mutationFn: () => intakeApi.change(connection.connectionId, { mapping }),
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
      {FIELDS.map((field) => (
        <label key={field}>
          {t(`intake.mapping.field.${field}`)}
          <input value={mapping[field]} onChange={(e) => setMapping((m) => ({ ...m, [field]: e.target.value }))} />
        </label>
      ))}
      <ApiProblem error={save.error} />
      <div>
        <button type="submit" disabled={save.isPending}>
          {t('intake.mapping.save')}
        </button>
      </div>
    </form>
  );
}
