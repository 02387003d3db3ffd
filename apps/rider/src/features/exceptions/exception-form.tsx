import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PhotoInput } from '../common/photo-input';
import { currentPosition } from '../common/position';
import { EXCEPTION_TYPES, type ExceptionType, reportException } from './exception-actions';

/** What went wrong at this stop, with a photo and where the rider is: kept in the outbox, then straight to the shop. */
export function ExceptionForm({ orderId, onDone }: { orderId: string; onDone(): void }) {
  const { t } = useTranslation();
  const [type, setType] = useState<ExceptionType>();
  const [note, setNote] = useState('');
  const [suggestedAddress, setSuggestedAddress] = useState('');
  const [minutesLate, setMinutesLate] = useState('15');
  const [photo, setPhoto] = useState<Blob>();
  const [problem, setProblem] = useState<string>();
  const [working, setWorking] = useState(false);

  const missing =
    !type || (type === 'bouquet_damaged' && !photo) || (type === 'other' && note.trim() === '') || (type === 'running_late' && !(Number(minutesLate) >= 1));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!type || missing) return;
    setWorking(true);
    setProblem(undefined);
    try {
      const position = await currentPosition();
      if (!position) return setProblem(t('exceptions.noPosition'));
      await reportException(
        {
          orderId,
          type,
          position,
          reportedAt: new Date().toISOString(),
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(type === 'address_not_found' && suggestedAddress.trim() ? { suggestedAddress: suggestedAddress.trim() } : {}),
          ...(type === 'running_late' ? { minutesLate: Math.round(Number(minutesLate)) } : {}),
        },
        { orderId, photos: photo ? [photo] : [] },
      );
      onDone();
    } catch (err) {
      setProblem(t('common.error', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setWorking(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="report-title">
      <h2 id="report-title">{t('exceptions.report')}</h2>
      <div className="choices" role="group" aria-label={t('exceptions.what')}>
        {EXCEPTION_TYPES.map((ty) => (
          <button key={ty} type="button" className={type === ty ? 'choice chosen' : 'choice'} aria-pressed={type === ty} onClick={() => setType(ty)}>
            {t(`exceptions.types.${ty}`)}
          </button>
        ))}
      </div>
      {type && (
        <form onSubmit={submit}>
          {type === 'address_not_found' && (
            <label>
              {t('exceptions.suggestedAddress')}
              <input value={suggestedAddress} onChange={(e) => setSuggestedAddress(e.target.value)} maxLength={500} />
            </label>
          )}
          {type === 'running_late' && (
            <label>
              {t('exceptions.minutesLate')}
              <input type="number" inputMode="numeric" min={1} max={1440} value={minutesLate} onChange={(e) => setMinutesLate(e.target.value)} />
            </label>
          )}
          <label>
            {type === 'other' ? t('exceptions.text') : t('exceptions.note')}
            <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} required={type === 'other'} />
          </label>
          <PhotoInput label={t('exceptions.photo')} required={type === 'bouquet_damaged'} photo={photo} onPhoto={setPhoto} />
          {problem && (
            <p role="alert" className="problem">
              {problem}
            </p>
          )}
          <button type="submit" className="primary" disabled={working || missing}>
            {t('exceptions.send')}
          </button>
        </form>
      )}
    </section>
  );
}
