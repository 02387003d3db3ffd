import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../../ui/api-problem';
import { CONNECTIONS_QUERY } from './connections-query';
import { type Connection, intakeApi } from './intake-api';
import { rulesDraft, type RulesDraft, rulesFrom, type RulesProblem } from './rules-draft';

const FIELDS = ['cardMarkers', 'anonymousWords', 'asapMinutes', 'privacyNumberHours'] as const;

/**
 * How this store's buyer notes are read: the words before the card's text, the words asking for
 * anonymity, and the two times the platform leaves open. Empty keeps the usual; the saved rules
 * replace the connection's and read the next orders.
 */
export function RulesEditor({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState<RulesDraft>(() => rulesDraft(connection.rules));
  const [problems, setProblems] = useState<RulesProblem[]>([]);
  const save = useMutation({
    mutationFn: (rules: ReturnType<typeof rulesFrom>['rules']) => intakeApi.change(connection.connectionId, { rules }),
    onSuccess: () => void client.invalidateQueries({ queryKey: CONNECTIONS_QUERY }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const read = rulesFrom(draft);
    setProblems(read.problems);
    if (read.problems.length === 0) save.mutate(read.rules);
  };
  return (
    <form className="stack rules" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h4 id={`${id}-title`}>{t('intake.rules.title')}</h4>
      <p className="muted small">{t('intake.rules.intro')}</p>
      {FIELDS.map((field) => {
        const words = field === 'cardMarkers' || field === 'anonymousWords';
        const props = {
          id: `${id}-${field}`,
          value: draft[field],
          'aria-describedby': `${id}-${field}-note${problems.includes(field as RulesProblem) ? ` ${id}-${field}-problem` : ''}`,
          'aria-invalid': problems.includes(field as RulesProblem) || undefined,
          onChange: (e: { target: { value: string } }) => {
            setDraft((d) => ({ ...d, [field]: e.target.value }));
            save.reset();
          },
        };
        return (
          <div key={field} className="stack" data-rule={field}>
            <label htmlFor={props.id}>{t(`intake.rules.${field}`)}</label>
            {words ? <textarea rows={4} {...props} /> : <input inputMode="numeric" {...props} />}
            <p id={`${id}-${field}-note`} className="muted small">
              {t(`intake.rules.${field}Note`)}
            </p>
            {problems.includes(field as RulesProblem) && (
              <p id={`${id}-${field}-problem`} role="alert" className="problem">
                {t(`intake.rules.problem.${field}`)}
              </p>
            )}
          </div>
        );
      })}
      <ApiProblem error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.isPending}>
          {t('intake.rules.save')}
        </button>
        <span role="status">{save.isSuccess ? t('intake.rules.saved') : ''}</span>
      </div>
    </form>
  );
}
