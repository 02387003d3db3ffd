import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { api } from '../api';

// Attachments are served only with the bearer token (they are per-role versions of one photo),
// so an <img src> cannot fetch them itself: the bytes are fetched here and shown as a blob URL.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isAttachmentId = (ref: string): boolean => UUID.test(ref);

export function AttachmentThumbnail({ attachmentId, alt, className }: { attachmentId: string; alt: string; className?: string }) {
  const { data: blob, isError } = useQuery({
    queryKey: ['attachment-thumbnail', attachmentId],
    // The bytes never change (content-addressed), so the live stream need not refetch them.
    staleTime: Infinity,
    queryFn: async () => {
      const { data, response } = await api.messaging.GET('/attachments/{id}/thumbnail', {
        params: { path: { id: attachmentId } },
        parseAs: 'blob',
      });
      if (!response.ok || !data) throw new Error(`HTTP ${response.status}`);
      return data as Blob;
    },
  });
  const url = useMemo(() => (blob ? URL.createObjectURL(blob) : undefined), [blob]);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  if (isError) return <span className="muted">{alt}</span>;
  if (!url) return <span className={className} aria-busy="true" />;
  return <img className={className} src={url} alt={alt} />;
}
