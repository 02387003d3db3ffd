import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';

// Thumbnails never change (their URL names content), and they need the bearer token, so each is
// fetched once per page life as a blob and kept here, out of the query cache the live stream refreshes.
const thumbnails = new Map<string, Promise<string | undefined>>();

function thumbnailUrl(attachmentId: string): Promise<string | undefined> {
  let url = thumbnails.get(attachmentId);
  if (!url) {
    url = api.messaging
      .GET('/attachments/{id}/thumbnail', { params: { path: { id: attachmentId } }, parseAs: 'blob' })
      .then(({ data, response }) => (response.ok && data ? URL.createObjectURL(data as Blob) : undefined))
      .catch(() => undefined);
    thumbnails.set(attachmentId, url);
    // A failed fetch may succeed later (the upload still being indexed).
    void url.then((u) => u ?? thumbnails.delete(attachmentId));
  }
  return url;
}

export function AttachmentThumbnail({ attachmentId }: { attachmentId: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | undefined | null>(null);
  useEffect(() => {
    let current = true;
    void thumbnailUrl(attachmentId).then((u) => current && setUrl(u));
    return () => {
      current = false;
    };
  }, [attachmentId]);
  if (url === null) return <span className="thumb thumb-loading">{t('common.loading')}</span>;
  if (url === undefined) return <span className="thumb thumb-missing">{t('order.chat.photoUnavailable')}</span>;
  return <img className="thumb" src={url} alt={t('order.chat.photo')} loading="lazy" />;
}
