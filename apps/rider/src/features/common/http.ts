import { ApiError } from '../../api';
import { freshToken } from '../../session';

type Service = 'orders' | 'dispatch' | 'messaging' | 'notifications' | 'accounts';

/**
 * A call to a service through the gateway for what the typed clients cannot say: a multipart
 * upload, or a route of a service newer than the clients generated from its document. Answers
 * the body, or throws the service's refusal as an ApiError, like `data()` does.
 */
export async function call<T>(service: Service, method: string, path: string, options: { body?: unknown; form?: FormData; key?: string } = {}): Promise<T> {
  const token = await freshToken();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.key) headers['idempotency-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/${service}${path}`, {
    method,
    headers,
    body: options.form ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const e = (parsed ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(response.status, e.code ?? `HTTP_${response.status}`, e.message ?? response.statusText, e.details);
  }
  return parsed as T;
}

export type AttachmentPurpose = 'message' | 'proof_of_delivery' | 'damage';

/** Uploads one photo to the order (messaging's attachments) and answers its attachment id. */
export async function uploadPhoto(orderId: string, photo: Blob, purpose: AttachmentPurpose, key: string): Promise<string> {
  const form = new FormData();
  form.append('purpose', purpose);
  form.append('file', photo, 'photo.jpg');
  const answer = await call<{ attachmentId: string }>('messaging', 'POST', `/orders/${encodeURIComponent(orderId)}/attachments`, { form, key });
  return answer.attachmentId;
}
