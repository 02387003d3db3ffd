import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';

// Photos need the bearer token (each role gets its own version of one photo), so an <img src>
// cannot fetch them itself: the bytes are fetched here and shown as blob URLs.

// Thumbnails never change (their URL names content): each is fetched once per page life and kept
// here, out of the query cache the live stream refreshes.
const thumbnails = new Map<string, Promise<string | undefined>>();

async function blobUrl(path: '/attachments/{id}/thumbnail' | '/attachments/{id}', attachmentId: string): Promise<string | undefined> {
  try {
    const { data, response } = await api.messaging.GET(path, { params: { path: { id: attachmentId } }, parseAs: 'blob' });
    return response.ok && data ? URL.createObjectURL(data as Blob) : undefined;
  } catch {
    return undefined;
  }
}

function thumbnailUrl(attachmentId: string): Promise<string | undefined> {
  let url = thumbnails.get(attachmentId);
  if (!url) {
    url = blobUrl('/attachments/{id}/thumbnail', attachmentId);
    thumbnails.set(attachmentId, url);
    // A failed fetch may succeed later (the upload still being indexed).
    void url.then((u) => u ?? thumbnails.delete(attachmentId));
  }
  return url;
}

/** A photo's thumbnail; pressing it (click, Enter or Space) opens the photo itself in a dialog. */
export function AttachmentThumbnail({ attachmentId }: { attachmentId: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | undefined | null>(null);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    let current = true;
    void thumbnailUrl(attachmentId).then((u) => current && setUrl(u));
    return () => {
      current = false;
    };
  }, [attachmentId]);
  if (url === null) return <span className="thumb thumb-loading">{t('common.loading')}</span>;
  if (url === undefined) return <span className="thumb thumb-missing">{t('order.chat.photoUnavailable')}</span>;
  return (
    <>
      <button ref={button} type="button" className="thumb-button" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <img className="thumb" src={url} alt={t('order.chat.openPhoto')} loading="lazy" />
      </button>
      {open && (
        <PhotoDialog
          attachmentId={attachmentId}
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </>
  );
}

/**
 * The photo at full size in a modal dialog (Escape or the button closes it). Fetched when opened
 * and let go when closed: full photos are large, and a page may show many.
 */
function PhotoDialog({ attachmentId, onClose }: { attachmentId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [url, setUrl] = useState<string | undefined | null>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  useEffect(() => {
    let current = true;
    let fetched: string | undefined;
    void blobUrl('/attachments/{id}', attachmentId).then((u) => {
      fetched = u;
      if (current) setUrl(u);
      else if (u) URL.revokeObjectURL(u);
    });
    return () => {
      current = false;
      if (fetched) URL.revokeObjectURL(fetched);
    };
  }, [attachmentId]);
  return (
    <dialog ref={dialog} className="photo-dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="photo-dialog-head">
        <h2 id={titleId}>{t('order.chat.photo')}</h2>
        <button type="button" autoFocus onClick={() => dialog.current?.close()}>
          {t('order.chat.closePhoto')}
        </button>
      </div>
      {url === null && <p role="status">{t('common.loading')}</p>}
      {url === undefined && (
        <p role="alert" className="problem">
          {t('order.chat.photoUnavailable')}
        </p>
      )}
      {url && <img className="photo-full" src={url} alt={t('order.chat.photo')} />}
    </dialog>
  );
}
