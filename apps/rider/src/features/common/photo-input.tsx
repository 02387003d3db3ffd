import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downscalePhoto } from './photo';

/**
 * Takes a photo with the phone's back camera (or picks one), downscaled to ≤ 1600 px JPEG at once,
 * and shows it small, so the rider sees what will be sent.
 */
export function PhotoInput({ label, required, photo, onPhoto }: { label: string; required?: boolean; photo?: Blob; onPhoto(photo: Blob | undefined): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [preview, setPreview] = useState<string>();
  const [working, setWorking] = useState(false);
  useEffect(() => {
    if (!photo) return setPreview(undefined);
    const url = URL.createObjectURL(photo);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [photo]);

  return (
    <div className="photo-input">
      <label htmlFor={id} className="button secondary">
        {photo ? t('shared.photo.retake') : label}
        {required && !photo ? ` (${t('shared.required')})` : ''}
      </label>
      <input
        id={id}
        className="visually-hidden"
        type="file"
        accept="image/*"
        capture="environment"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          setWorking(true);
          try {
            onPhoto(await downscalePhoto(file));
          } finally {
            setWorking(false);
          }
        }}
      />
      {working && <span role="status">{t('shared.photo.working')}</span>}
      {preview && <img className="photo-preview" src={preview} alt={t('shared.photo.preview')} />}
    </div>
  );
}
