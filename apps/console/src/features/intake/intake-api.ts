import { ApiError } from '../../api';
import { freshToken } from '../../session/session';

// The orders service's intake routes, as the console calls them through the gateway.

export type Platform = 'shopify' | 'woocommerce';

export interface Connection {
  connectionId: string;
  platform: Platform;
  label: string;
  shopDomain?: string;
  siteUrl?: string;
  enabled: boolean;
  webhookUrl?: string;
  secretHint?: string;
  previousSecretExpiresAt?: string;
  writeBack?: boolean;
  mapping?: Record<string, unknown>;
  createdAt?: string;
}

export interface Delivery {
  deliveryId: string;
  eventId?: string;
  topic: string;
  receivedAt: string;
  outcome: string;
  reason?: string;
  orderId?: string;
  externalRef?: string;
}

export interface AttentionItem {
  intakeId: string;
  source: string;
  externalRef: string;
  reason: string;
  receivedAt: string;
  summary: {
    recipientName?: string;
    area?: string;
    items?: Array<{ name: string; quantity: number }>;
    deliveryDate?: string;
  };
}

export interface ImportUpload {
  importId: string;
  columns: string[];
  suggestedMapping: Record<string, string>;
  preview: Array<{ row: number; order?: unknown; problems: string[] }>;
}

export interface ImportProgress {
  status: 'uploaded' | 'running' | 'finished' | 'failed';
  rowsDone: number;
  rowsTotal?: number;
  imported: number;
  duplicates: number;
  rejected: number;
  needsAttention: number;
}

export interface ReportRow {
  row: number;
  outcome: 'imported' | 'duplicate' | 'rejected' | 'needs_attention';
  reason?: string;
  orderId?: string;
}

export interface Writeback {
  writebackId: string;
  orderId: string;
  connectionId: string;
  platform: Platform;
  status: string;
  attempts: number;
  lastError?: string;
  nextAttemptAt?: string;
}

async function request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const token = await freshToken();
  const response = await fetch(`/api/orders${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': contentType } : {}),
    },
    body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : (body as BodyInit),
  });
  const text = await response.text();
  const parsed: unknown = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    const e = (parsed && typeof parsed === 'object' ? parsed : {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(response.status, e.code ?? `HTTP_${response.status}`, e.message ?? response.statusText, e.details);
  }
  return parsed as T;
}

export const intakeApi = {
  connections: () => request<{ connections: Connection[] }>('GET', '/intake/connections'),
  connect: (body: Record<string, unknown>) =>
    request<{ connection: Connection; webhookSecret?: string; webhookUrl: string }>('POST', '/intake/connections', body),
  change: (connectionId: string, body: Record<string, unknown>) => request<{ connection: Connection }>('PATCH', `/intake/connections/${connectionId}`, body),
  rotate: (connectionId: string) =>
    request<{ webhookSecret: string; previousSecretExpiresAt?: string }>('POST', `/intake/connections/${connectionId}/secret/rotate`, {}),
  test: (connectionId: string) => request<{ outcome: string; reason?: string; status?: number }>('POST', `/intake/connections/${connectionId}/test`, {}),
  deliveries: (connectionId: string) => request<{ deliveries: Delivery[] }>('GET', `/intake/connections/${connectionId}/deliveries?limit=20`),
  attention: () => request<{ items: AttentionItem[] }>('GET', '/intake/attention'),
  place: (intakeId: string, body: Record<string, unknown>) => request<{ orderId: string }>('POST', `/intake/attention/${intakeId}/place`, body),
  dismiss: (intakeId: string, reason: string) => request<unknown>('POST', `/intake/attention/${intakeId}/dismiss`, { reason }),
  upload: (file: File) => request<ImportUpload>('POST', '/intake/imports', file, 'text/csv'),
  start: (importId: string, mapping: Record<string, string>) => request<unknown>('POST', `/intake/imports/${importId}/start`, { mapping }),
  progress: (importId: string) => request<ImportProgress>('GET', `/intake/imports/${importId}`),
  report: (importId: string) => request<{ rows: ReportRow[] }>('GET', `/intake/imports/${importId}/report`),
  reportCsv: (importId: string) => request<string>('GET', `/intake/imports/${importId}/report?format=csv`),
  writebacks: (state: 'dead' | 'pending') => request<{ writebacks: Writeback[] }>('GET', `/intake/writebacks?state=${state}`),
  retry: (writebackId: string) => request<unknown>('POST', `/intake/writebacks/${writebackId}/retry`, {}),
};
