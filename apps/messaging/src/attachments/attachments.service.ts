import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { callersIdempotencyKey, SERVICE_CONFIG } from '@petalpost/platform';
import { DataSource } from 'typeorm';
import { attachmentNotFound, mayUpload, type OrderScope, orderNotFound, type Purpose, viewOf } from './attachment-access';
import type { AttachmentsConfig } from './attachments.config';
import { CONTENT_TYPE_OF, EXTENSION_OF, type ImageFormat, inspectImage } from './image-inspection';
import { STORAGE, type StoragePort } from './storage/storage.port';
import { shopOfConversation } from '../conversations';
import { assignmentOf } from '../order-assignments';

export interface AttachmentRecord {
  id: string;
  orderId: string;
  shopId: string;
  purpose: Purpose;
  uploaderRole: string;
  uploader: string;
  sha256: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  createdAt: Date;
}

export interface StoredObject {
  stream: Readable;
  contentType: string;
  /** The strong ETag of these bytes: the sha256 of the original, marked with the version. */
  etag: string;
}

interface AttachmentRow {
  id: string;
  order_id: string;
  shop_id: string;
  purpose: Purpose;
  uploader_role: string;
  uploader: string;
  sha256: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  created_at: Date;
  request_fingerprint: string | null;
}

/** An upload's answer: the attachment, and whether it is the one a retry with the same Idempotency-Key had made before. */
export interface Uploaded {
  record: AttachmentRecord;
  replayed: boolean;
}

const recordOf = (row: AttachmentRow): AttachmentRecord => ({
  id: row.id,
  orderId: row.order_id,
  shopId: row.shop_id,
  purpose: row.purpose,
  uploaderRole: row.uploader_role,
  uploader: row.uploader,
  sha256: row.sha256,
  format: row.format,
  width: row.width,
  height: row.height,
  bytes: row.bytes,
  createdAt: row.created_at,
});

export const storageKeys = (sha256: string, format: ImageFormat) => ({
  original: `${sha256}.${EXTENSION_OF[format]}`,
  clean: `${sha256}.clean.${EXTENSION_OF[format]}`,
  thumbnail: `${sha256}.thumb.webp`,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Photos attached to an order: checked by content, stored once per sha256, a row per upload
 * (each upload keeps its own purpose, uploader and time even when the bytes were seen before).
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly db: DataSource,
    @Inject(STORAGE) private readonly storage: StoragePort,
    @Inject(SERVICE_CONFIG) private readonly config: AttachmentsConfig,
  ) {}

  /**
   * The order's shop, from the conversation messaging opens for every placed order, and its
   * rider, from the assignments the exception reports follow: an order messaging has not heard
   * of yet is not found.
   */
  async orderScope(orderId: string): Promise<OrderScope | undefined> {
    const shopId = await shopOfConversation(this.db, orderId);
    if (shopId === undefined) return undefined;
    const assignment = await assignmentOf(this.db, orderId);
    return { orderId, shopId, riderId: assignment?.riderId ?? undefined };
  }

  /** Refuses callers who may not attach to the order before the body is read. */
  async assertMayUpload(principal: Principal, orderId: string): Promise<OrderScope> {
    const order = await this.orderScope(orderId);
    if (!order || !mayUpload(principal, order)) throw orderNotFound();
    return order;
  }

  /**
   * Checks the bytes (throws 400s naming the reason, storing nothing), then stores and records them.
   * With an Idempotency-Key (scoped to the caller), the same upload again answers the first
   * attachment and stores nothing; the key with another order, purpose or file is 409.
   */
  async upload(principal: Principal, order: OrderScope, purpose: Purpose, bytes: Buffer, idempotencyKey?: string): Promise<Uploaded> {
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([order.orderId, purpose]))
      .update(bytes)
      .digest('base64url');
    const idempotency =
      idempotencyKey === undefined ? undefined : { key: callersIdempotencyKey(principal, idempotencyKey), given: idempotencyKey, fingerprint };
    if (idempotency) {
      const earlier = await this.uploadedWith(idempotency);
      if (earlier) return { record: earlier, replayed: true };
    }
    const image = await inspectImage(bytes, { maxPixels: this.config.MESSAGING_ATTACHMENT_MAX_PIXELS });
    const keys = storageKeys(image.sha256, image.format);
    const contentType = CONTENT_TYPE_OF[image.format];
    // Objects first, row last: a failure in between leaves only unreferenced content-addressed objects.
    await this.putOnce(keys.original, image.original, contentType);
    await this.putOnce(keys.clean, image.clean, contentType);
    await this.putOnce(keys.thumbnail, image.thumbnail, 'image/webp');
    const rows: AttachmentRow[] = await this.db.query(
      `INSERT INTO attachments (id, order_id, shop_id, purpose, uploader_role, uploader, sha256, format, width, height, bytes, idempotency_key, request_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING *`,
      [
        randomUUID(),
        order.orderId,
        order.shopId,
        purpose,
        principal.role,
        principal.sub,
        image.sha256,
        image.format,
        image.width,
        image.height,
        bytes.length,
        idempotency?.key ?? null,
        idempotency?.fingerprint ?? null,
      ],
    );
    if (rows.length > 0) return { record: recordOf(rows[0]), replayed: false };
    // The same key's upload ran alongside this one and recorded first: answer as a retry would.
    const earlier = idempotency && (await this.uploadedWith(idempotency));
    if (!earlier) throw new Error('the attachment was neither recorded nor found under its idempotency key');
    return { record: earlier, replayed: true };
  }

  /** The attachment an earlier upload with this key made; the key used for another upload is 409. */
  private async uploadedWith({ key, given, fingerprint }: { key: string; given: string; fingerprint: string }): Promise<AttachmentRecord | undefined> {
    const [row]: AttachmentRow[] = await this.db.query(`SELECT * FROM attachments WHERE idempotency_key = $1`, [key]);
    if (!row) return undefined;
    if (row.request_fingerprint !== fingerprint) {
      throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', `idempotency key ${given} was used for a different request`);
    }
    return recordOf(row);
  }

  /**
   * The photo of a damaged bouquet's report: an attachment the reporter uploaded to this order as
   * `damage`. Unknown, of another order or uploaded by someone else: 404, as if it did not exist.
   */
  async damagePhotoOf(principal: Principal, orderId: string, id: string): Promise<AttachmentRecord> {
    const record = await this.find(id);
    if (!record || record.orderId !== orderId || record.uploaderRole !== principal.role || record.uploader !== principal.sub) {
      throw new DomainError(
        'not_found',
        'ATTACHMENT_NOT_FOUND',
        'no photo with this id that you uploaded to this order: upload it first (POST /orders/:orderId/attachments)',
        {
          attachmentId: id,
        },
      );
    }
    if (record.purpose !== 'damage') {
      throw new DomainError('invalid', 'ATTACHMENT_NOT_A_DAMAGE_PHOTO', `this photo was uploaded as ${record.purpose}: upload the damage with purpose damage`, {
        attachmentId: id,
        purpose: record.purpose,
      });
    }
    return record;
  }

  /** The attachments of an order the caller may see, oldest first. */
  async listForOrder(principal: Principal, orderId: string): Promise<AttachmentRecord[]> {
    const order = await this.orderScope(orderId);
    if (!order || !viewOf(principal, order, 'proof_of_delivery')) throw orderNotFound();
    const rows: AttachmentRow[] = await this.db.query(`SELECT * FROM attachments WHERE order_id = $1 ORDER BY created_at, id`, [orderId]);
    return rows.map(recordOf).filter((r) => viewOf(principal, order, r.purpose));
  }

  /** The photo as the caller may see it: staff the original, others the clean version. */
  async open(principal: Principal, id: string, version: 'photo' | 'thumbnail'): Promise<StoredObject> {
    const record = await this.find(id);
    const order = record && (await this.orderScope(record.orderId));
    const view = record && order && viewOf(principal, order, record.purpose);
    if (!record || !view) throw attachmentNotFound();
    const keys = storageKeys(record.sha256, record.format);
    if (version === 'thumbnail') return { stream: await this.storage.get(keys.thumbnail), contentType: 'image/webp', etag: `"${record.sha256}.thumb"` };
    return view === 'original'
      ? { stream: await this.storage.get(keys.original), contentType: CONTENT_TYPE_OF[record.format], etag: `"${record.sha256}"` }
      : { stream: await this.storage.get(keys.clean), contentType: CONTENT_TYPE_OF[record.format], etag: `"${record.sha256}.clean"` };
  }

  private async find(id: string): Promise<AttachmentRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows: AttachmentRow[] = await this.db.query(`SELECT * FROM attachments WHERE id = $1`, [id]);
    return rows[0] ? recordOf(rows[0]) : undefined;
  }

  private async putOnce(key: string, bytes: Buffer, contentType: string): Promise<void> {
    if (!(await this.storage.exists(key))) await this.storage.put(key, bytes, contentType);
  }
}
