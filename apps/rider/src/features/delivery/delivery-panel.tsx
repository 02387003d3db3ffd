import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PhotoInput } from '../common/photo-input';
import { currentPosition } from '../common/position';
import { deliver, FAILURE_REASONS, type FailureReason, markCarded, OUTCOMES, type OutcomeKind, reportFailed } from './delivery-actions';

type Choice = OutcomeKind | 'carded' | 'failed';

/**
 * The outcome in two taps: what happened, then confirm (a neighbour's name, a safe place's photo
 * and a failure's reason asked for in between when the API needs them). Each is kept in the
 * outbox first, so in a lift it waits and is sent once.
 */
export function DeliveryPanel({ orderId, onDone }: { orderId: string; onDone(): void }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<Choice>();
  const [receivedBy, setReceivedBy] = useState('');
  const [place, setPlace] = useState('');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<FailureReason>();
  const [photo, setPhoto] = useState<Blob>();
  const [working, setWorking] = useState(false);

  const missing =
    (choice === 'neighbour' && receivedBy.trim() === '') || (choice === 'safe_place' && (place.trim() === '' || !photo)) || (choice === 'failed' && !reason);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!choice || missing) return;
    setWorking(true);
    const at = new Date().toISOString();
    const photos = photo ? [photo] : [];
    try {
      if (choice === 'carded') await markCarded({ orderId, ...(note.trim() ? { note: note.trim() } : {}) }, { orderId, photos });
      else if (choice === 'failed') {
        if (reason) await reportFailed({ orderId, reason, ...(note.trim() ? { note: note.trim() } : {}) }, { orderId });
      } else {
        const position = await currentPosition(3_000);
        await deliver(
          {
            orderId,
            outcome: choice,
            at,
            ...(receivedBy.trim() ? { receivedBy: receivedBy.trim() } : {}),
            ...(choice === 'safe_place' ? { place: place.trim() } : {}),
            ...(position ? { position } : {}),
          },
          { orderId, photos },
        );
      }
      onDone();
    } finally {
      setWorking(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="delivery-title">
      <h2 id="delivery-title">{t('delivery.title')}</h2>
      <div className="choices" role="group" aria-label={t('delivery.what')}>
        {[...OUTCOMES, 'carded' as const, 'failed' as const].map((c) => (
          <button key={c} type="button" className={choice === c ? 'choice chosen' : 'choice'} aria-pressed={choice === c} onClick={() => setChoice(c)}>
            {t(`delivery.outcome.${c}`)}
          </button>
        ))}
      </div>
      {choice && (
        <form onSubmit={submit} className="delivery-form">
          {choice === 'neighbour' && (
            <label>
              {t('delivery.neighbourName')}
              <input required value={receivedBy} onChange={(e) => setReceivedBy(e.target.value)} maxLength={200} />
            </label>
          )}
          {choice === 'reception' && (
            <label>
              {t('delivery.receptionName')}
              <input value={receivedBy} onChange={(e) => setReceivedBy(e.target.value)} maxLength={200} />
            </label>
          )}
          {choice === 'safe_place' && (
            <label>
              {t('delivery.place')}
              <input required value={place} onChange={(e) => setPlace(e.target.value)} maxLength={200} />
            </label>
          )}
          {choice === 'failed' && (
            <fieldset>
              <legend>{t('delivery.reason')}</legend>
              {FAILURE_REASONS.map((r) => (
                <label key={r} className="radio">
                  <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                  {t(`delivery.reasons.${r}`)}
                </label>
              ))}
            </fieldset>
          )}
          {(choice === 'carded' || choice === 'failed') && (
            <label>
              {t('delivery.note')}
              <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
            </label>
          )}
          {choice !== 'failed' && <PhotoInput label={t('delivery.photo')} required={choice === 'safe_place'} photo={photo} onPhoto={setPhoto} />}
          <button type="submit" className="primary" disabled={working || missing}>
            {t(`delivery.confirm.${choice}`)}
          </button>
        </form>
      )}
    </section>
  );
}
