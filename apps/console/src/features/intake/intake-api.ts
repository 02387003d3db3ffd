import type { OrdersPaths } from '@petalpost/api-clients';
import { api, data, idempotencyKey } from '../../api';

// The orders service's intake routes, through its generated client: a changed API breaks this
// file's typecheck, not the shop's morning.

type JsonBody<T> = T extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Answer<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

export type ConnectBody = JsonBody<OrdersPaths['/intake/connections']['post']>;
export type ChangeConnectionBody = JsonBody<OrdersPaths['/intake/connections/{connectionId}']['patch']>;
export type PlaceHeldBody = JsonBody<OrdersPaths['/intake/attention/{intakeId}/place']['post']>;
export type ImportSettings = JsonBody<OrdersPaths['/intake/imports/{importId}/start']['post']>;

const connection = (connectionId: string) => ({ params: { path: { connectionId } } });
const held = (intakeId: string) => ({ path: { intakeId } });
const anImport = (importId: string) => ({ params: { path: { importId } } });
/** The largest page of a report the service answers: the screen shows the first rows worth reading, the download has all. */
const REPORT_PAGE = 1000;

export const intakeApi = {
  connections: () => data(api.orders.GET('/intake/connections')),
  connect: (body: ConnectBody) => data(api.orders.POST('/intake/connections', { body })),
  change: (connectionId: string, body: ChangeConnectionBody) =>
    data(api.orders.PATCH('/intake/connections/{connectionId}', { ...connection(connectionId), body })),
  rotate: (connectionId: string) => data(api.orders.POST('/intake/connections/{connectionId}/secret/rotate', connection(connectionId))),
  test: (connectionId: string) => data(api.orders.POST('/intake/connections/{connectionId}/test', connection(connectionId))),
  deliveries: (connectionId: string) =>
    data(api.orders.GET('/intake/connections/{connectionId}/deliveries', { params: { path: { connectionId }, query: { limit: 20 } } })),

  attention: () => data(api.orders.GET('/intake/attention')),
  place: (intakeId: string, body: PlaceHeldBody) => data(api.orders.POST('/intake/attention/{intakeId}/place', { params: held(intakeId), body })),
  dismiss: (intakeId: string, reason: string) => data(api.orders.POST('/intake/attention/{intakeId}/dismiss', { params: held(intakeId), body: { reason } })),

  /** The file goes as it is (text/csv), streamed by the browser; the service reads it as it arrives. */
  upload: (file: File, query: { timeZone: string; currency?: string; dateOrder?: 'ymd' | 'dmy' | 'mdy' }) =>
    data(
      api.orders.POST('/intake/imports', {
        params: { query, header: { 'Idempotency-Key': idempotencyKey() } },
        body: file,
        bodySerializer: (body) => body,
        headers: { 'content-type': 'text/csv' },
      }),
    ),
  preview: (importId: string, body: ImportSettings) => data(api.orders.POST('/intake/imports/{importId}/preview', { ...anImport(importId), body })),
  start: (importId: string, body: ImportSettings) =>
    data(api.orders.POST('/intake/imports/{importId}/start', { params: { path: { importId }, header: { 'Idempotency-Key': idempotencyKey() } }, body })),
  progress: (importId: string) => data(api.orders.GET('/intake/imports/{importId}', anImport(importId))),
  report: async (importId: string) => {
    const answer = await data(
      api.orders.GET('/intake/imports/{importId}/report', { params: { path: { importId }, query: { limit: REPORT_PAGE, afterLine: 0, format: 'json' } } }),
    );
    // The document gives the answer both its forms; asked for JSON, it is the JSON one.
    return answer as Exclude<typeof answer, string>;
  },
  reportCsv: (importId: string) =>
    data(
      api.orders.GET('/intake/imports/{importId}/report', {
        params: { path: { importId }, query: { format: 'csv', afterLine: 0, limit: REPORT_PAGE } },
        parseAs: 'text',
      }),
    ) as Promise<unknown> as Promise<string>,

  /** What one connection's system was last told, whatever became of it, newest first. */
  latestWritebacks: (connectionId: string) =>
    data(api.orders.GET('/intake/connections/{connectionId}/writebacks', { params: { path: { connectionId }, query: { limit: 20 } } })),
  writebacks: (state: 'dead' | 'pending') => data(api.orders.GET('/intake/writebacks', { params: { query: { state, limit: 100 } } })),
  retry: (writebackId: string) => data(api.orders.POST('/intake/writebacks/{writebackId}/retry', { params: { path: { writebackId } }, body: {} })),
};

export type Connection = Answer<typeof intakeApi.connections>['connections'][number];
export type Platform = Connection['platform'];
export type Delivery = Answer<typeof intakeApi.deliveries>['deliveries'][number];
export type AttentionItem = Answer<typeof intakeApi.attention>['items'][number];
export type ImportUpload = Answer<typeof intakeApi.upload>;
export type ImportPreview = Answer<typeof intakeApi.preview>;
export type PreviewRow = ImportPreview['preview'][number];
export type ImportProgress = Answer<typeof intakeApi.progress>;
export type ReportRow = Answer<typeof intakeApi.report>['rows'][number];
export type Writeback = Answer<typeof intakeApi.writebacks>['writebacks'][number];
