import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { DEAD_LETTER_SERVICES, type DeadLetter, type DeadLetterService, listDeadLetters, type ReplayAnswer, replayDeadLetter } from './operator-api';
import { useServiceNames } from './service-names';

/**
 * What each service's Kafka consumers could not process, with the error they gave up on, and a
 * replay of one message to the topic it came from (each at most once).
 */
export function KafkaDeadLetters() {
  const { t } = useTranslation();
  const client = useQueryClient();
  return (
    <section aria-labelledby="kafka-title" className="stack">
      <h2 id="kafka-title">{t('operator.kafka.title')}</h2>
      <p className="muted">{t('operator.kafka.note')}</p>
      <div>
        {/* Dead letters are no event on the notifications stream: the operator asks again when they want to. */}
        <button type="button" onClick={() => void client.invalidateQueries({ queryKey: ['kafka-dead-letters'] })}>
          {t('operator.kafka.refresh')}
        </button>
      </div>
      {DEAD_LETTER_SERVICES.map((service) => (
        <ServiceDeadLetters key={service} service={service} />
      ))}
    </section>
  );
}

function ServiceDeadLetters({ service }: { service: DeadLetterService }) {
  const { t } = useTranslation();
  const names = useServiceNames();
  const topics = useQuery({ queryKey: ['kafka-dead-letters', service], queryFn: listDeadLetters[service] });
  return (
    <div className="stack" data-service={service}>
      <h3>{names[service]}</h3>
      <ApiProblem error={topics.error} />
      {topics.isPending && <p role="status">{t('common.loading')}</p>}
      {topics.data?.items.map((topic) => (
        <div key={topic.topic} className="stack" data-topic={topic.topic}>
          <p>
            <code className="url">{topic.topic}</code> <span className="badge">{t('operator.kafka.count', { n: topic.count })}</span>{' '}
            <span className="muted small">{t('operator.kafka.group', { group: topic.group })}</span>
          </p>
          {topic.latest.length > 0 && (
            <ul className="dead-letters stack">
              {topic.latest.map((letter) => (
                <DeadLetterItem key={`${letter.partition}:${letter.offset}`} service={service} letter={letter} />
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

function DeadLetterItem({ service, letter }: { service: DeadLetterService; letter: DeadLetter }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const replay = useMutation({
    mutationFn: () => replayDeadLetter[service](letter),
    onSuccess: () => {
      setConfirming(false);
      void client.invalidateQueries({ queryKey: ['kafka-dead-letters', service] });
    },
  });
  const label = t('operator.kafka.message', { partition: letter.partition, offset: letter.offset });
  return (
    <li className="dead-letter stack" data-offset={letter.offset} data-status={letter.replayedAt ? 'replayed' : 'parked'} aria-label={label}>
      <div>
        <strong>{label}</strong> <span className="muted">{format.dateTime(letter.failedAt ?? undefined)}</span>
      </div>
      <dl className="facts">
        <dt>{t('operator.kafka.error')}</dt>
        <dd className="problem">
          {letter.errorClass ? `${letter.errorClass}: ` : ''}
          {letter.error ?? '–'}
        </dd>
        <dt>{t('operator.kafka.origin')}</dt>
        <dd>
          {letter.original
            ? t('operator.kafka.originAt', { topic: letter.original.topic, partition: letter.original.partition, offset: letter.original.offset })
            : '–'}
        </dd>
        <dt>{t('operator.kafka.key')}</dt>
        <dd>
          <code>{letter.key ?? '–'}</code>
        </dd>
        {letter.eventType && (
          <>
            <dt>{t('operator.kafka.eventType')}</dt>
            <dd>{letter.eventType}</dd>
          </>
        )}
      </dl>
      <details>
        <summary>{letter.valueTruncated ? t('operator.kafka.valueTruncated') : t('operator.kafka.value')}</summary>
        <pre className="message-value">{letter.value ?? '–'}</pre>
      </details>
      {letter.replayedAt ? (
        <p data-status="replayed">{t('operator.kafka.replayedAt', { time: format.dateTime(letter.replayedAt) })}</p>
      ) : confirming ? (
        <div role="group" aria-label={t('operator.kafka.confirmLabel', { message: label })} className="inline">
          <span>{t('operator.kafka.confirm', { topic: letter.original?.topic ?? '–' })}</span>{' '}
          <button type="button" disabled={replay.isPending} onClick={() => replay.mutate()}>
            {t('operator.kafka.confirmReplay')}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : (
        <div>
          <button type="button" disabled={!letter.original} onClick={() => setConfirming(true)}>
            {t('operator.kafka.replay', { message: label })}
          </button>
        </div>
      )}
      <p role="status">{replay.data ? <ReplayOutcome answer={replay.data} /> : ''}</p>
      <ApiProblem error={replay.error} />
    </li>
  );
}

function ReplayOutcome({ answer }: { answer: ReplayAnswer }) {
  const { t } = useTranslation();
  const format = useFormat();
  return answer.outcome === 'replayed'
    ? t('operator.kafka.replayed', { topic: answer.republishedTo })
    : t('operator.kafka.alreadyReplayed', { time: format.dateTime(answer.replayedAt), by: answer.replayedBy });
}
