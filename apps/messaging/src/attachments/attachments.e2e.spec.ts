import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, customerTokenForgery, startTestService, uniqueName } from '@petalpost/testing';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import type { MessagingConfig } from '../messaging.config';
import { messagingService } from '../messaging.service';

const tokens = developmentTokens();
const MAX_BYTES = 600_000;
const MAX_PIXELS = 4_000_000;

/** Noise compresses badly: a photo-like image of a predictable size. */
const noise = (width: number, height: number) => sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#c2185b' } });

/** A JPEG as a phone takes it: with the GPS position where it was taken. */
const jpegWithGps = () =>
  solid(640, 480)
    .jpeg()
    .withExif({
      IFD0: { Make: 'Petalphone' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 5/1 2/1', GPSLongitudeRef: 'E', GPSLongitude: '5/1 7/1 0/1', GPSMapDatum: 'WGS-84' },
    })
    .toBuffer();

type Answer = { status: number; headers: Headers; json: Record<string, unknown>; bytes: Buffer };

describe('attachments: photos on an order, checked by content (real service, Postgres and Kafka)', () => {
  let service: RunningService<MessagingConfig>;
  let storageDir: string;
  let shop: string;
  let otherShop: string;
  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  let staff: string;
  let florist: string;
  let rider: string;
  let staffOfOtherShop: string;
  const db = () => service.app.get(DataSource);

  const send = async (
    method: string,
    path: string,
    token: string,
    init: { body?: FormData | string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...init.headers }, body: init.body });
    const bytes = Buffer.from(await response.arrayBuffer());
    const isJson = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, headers: response.headers, json: isJson ? JSON.parse(bytes.toString()) : {}, bytes };
  };
  const upload = (
    orderId: string,
    token: string,
    file: Buffer,
    purpose = 'message',
    name = 'photo.jpg',
    type = 'image/jpeg',
    headers?: Record<string, string>,
  ) => {
    const form = new FormData();
    form.append('purpose', purpose);
    form.append('file', new Blob([file], { type }), name);
    return send('POST', `/orders/${orderId}/attachments`, token, { body: form, headers });
  };
  const riderLi = uniqueName('li');
  /**
   * An order messaging knows, as its consumers of orders.events leave it: the conversation opened
   * when it was placed, and (by default) rider Li assigned to it.
   */
  const orderOf = async (shopId: string, riderId: string | null = riderLi) => {
    const orderId = randomUUID();
    await db().query(`INSERT INTO conversations (order_id, shop_id) VALUES ($1, $2)`, [orderId, shopId]);
    await db().query(`INSERT INTO exception_order_assignments (order_id, shop_id, rider_id) VALUES ($1, $2, $3)`, [orderId, shopId, riderId]);
    return orderId;
  };
  const storedFiles = async () => (await readdir(storageDir)).sort();
  const rowCount = async () => Number((await db().query(`SELECT count(*) AS n FROM attachments`))[0].n);

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'attachments-'));
    service = await startTestService(messagingService, {
      KAFKA_NAMESPACE: await createTestNamespace(),
      MESSAGING_STORAGE_DIR: storageDir,
      MESSAGING_ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      MESSAGING_ATTACHMENT_MAX_PIXELS: String(MAX_PIXELS),
      // Photos have their own limit, not the JSON bodies' one.
      HTTP_BODY_LIMIT_BYTES: '65536',
    });
    shop = uniqueName('shop');
    otherShop = uniqueName('shop');
    staff = as({ role: 'staff', shopId: shop });
    florist = as({ role: 'florist', shopId: shop });
    rider = as({ role: 'rider', shopId: shop, sub: riderLi });
    staffOfOtherShop = as({ role: 'staff', shopId: otherShop });
  });

  afterAll(async () => {
    await service?.app.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('stores a JPEG, PNG and WebP under the sha256 of their bytes, with a clean version and a thumbnail', async () => {
    const orderId = await orderOf(shop);
    for (const [format, bytes] of [
      ['jpeg', await solid(300, 200).jpeg().toBuffer()],
      ['png', await solid(300, 200).png().toBuffer()],
      ['webp', await solid(300, 200).webp().toBuffer()],
    ] as const) {
      // Named .bin on purpose: the type comes from the content.
      const answer = await upload(orderId, staff, bytes, 'message', 'upload.bin', 'application/octet-stream');
      expect(answer.status).toBe(201);
      expect(answer.json).toMatchObject({ orderId, purpose: 'message', format, width: 300, height: 200, bytes: bytes.length });
      const sha256 = answer.json.sha256 as string;
      const ext = { jpeg: 'jpg', png: 'png', webp: 'webp' }[format];
      expect(await storedFiles()).toEqual(expect.arrayContaining([`${sha256}.${ext}`, `${sha256}.clean.${ext}`, `${sha256}.thumb.webp`]));
      const served = await send('GET', `/attachments/${answer.json.attachmentId as string}`, staff);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe(`image/${format}`);
      expect(served.bytes.equals(bytes)).toBe(true);
    }
  });

  it('gives staff the original with its EXIF location and everyone else a version without any', async () => {
    const orderId = await orderOf(shop);
    const original = await jpegWithGps();
    expect((await sharp(original).metadata()).exif?.includes('WGS-84')).toBe(true);
    const uploaded = await upload(orderId, rider, original, 'proof_of_delivery');
    expect(uploaded.status).toBe(201);
    const id = uploaded.json.attachmentId as string;

    const forStaff = await send('GET', `/attachments/${id}`, staff);
    expect(forStaff.status).toBe(200);
    expect(forStaff.bytes.equals(original)).toBe(true);
    expect((await sharp(forStaff.bytes).metadata()).exif?.includes('WGS-84')).toBe(true);

    for (const token of [florist, rider]) {
      const clean = await send('GET', `/attachments/${id}`, token);
      expect(clean.status).toBe(200);
      expect(clean.headers.get('content-type')).toBe('image/jpeg');
      const metadata = await sharp(clean.bytes).metadata();
      expect(metadata).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
      expect(metadata.exif).toBeUndefined();
      expect(clean.bytes.includes('WGS-84')).toBe(false);
    }
    // The buyer sees the proof on the tracking page only; a customer token gets no photo at all.
    const refused = await send('GET', `/attachments/${id}`, customerTokenForgery(orderId));
    expect(refused).toMatchObject({ status: 401, json: { code: 'TOKEN_INVALID' } });
    expect(refused.bytes.includes('WGS-84')).toBe(false);
  });

  it('serves a thumbnail of at most 320 px as WebP, never enlarged, upright', async () => {
    const orderId = await orderOf(shop);
    const wide = await upload(orderId, florist, await solid(1000, 500).jpeg().toBuffer());
    const small = await upload(orderId, florist, await solid(100, 80).png().toBuffer());
    // Taken with the phone turned: stored 400×200 with EXIF orientation 6 (rotate 90°).
    const turned = await upload(orderId, florist, await solid(400, 200).jpeg().withMetadata({ orientation: 6 }).toBuffer());
    expect(turned.json).toMatchObject({ width: 200, height: 400 });
    for (const [answer, width, height] of [
      [wide, 320, 160],
      [small, 100, 80],
      [turned, 160, 320],
    ] as const) {
      const thumbnail = await send('GET', `/attachments/${answer.json.attachmentId as string}/thumbnail`, staff);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get('content-type')).toBe('image/webp');
      expect(await sharp(thumbnail.bytes).metadata()).toMatchObject({ format: 'webp', width, height });
    }
    const clean = await send('GET', `/attachments/${turned.json.attachmentId as string}`, florist);
    expect(await sharp(clean.bytes).metadata()).toMatchObject({ width: 200, height: 400 });
  });

  it('caches by content: immutable, ETag from the sha256, 304 when unchanged', async () => {
    const orderId = await orderOf(shop);
    const uploaded = await upload(orderId, staff, await solid(50, 50).png().toBuffer());
    const id = uploaded.json.attachmentId as string;
    const first = await send('GET', `/attachments/${id}`, staff);
    expect(first.headers.get('etag')).toBe(`"${uploaded.json.sha256 as string}"`);
    expect(first.headers.get('cache-control')).toContain('immutable');
    const again = await send('GET', `/attachments/${id}`, staff, { headers: { 'if-none-match': first.headers.get('etag') as string } });
    expect(again.status).toBe(304);
    const clean = await send('GET', `/attachments/${id}`, florist);
    expect(clean.headers.get('etag')).toBe(`"${uploaded.json.sha256 as string}.clean"`);
  });

  it('takes photos up to their own size limit, beyond the JSON body limit', async () => {
    const orderId = await orderOf(shop);
    const bytes = await noise(300, 300).png().toBuffer();
    expect(bytes.length).toBeGreaterThan(65536);
    expect(bytes.length).toBeLessThan(MAX_BYTES);
    expect(await upload(orderId, staff, bytes)).toMatchObject({ status: 201, json: { format: 'png', bytes: bytes.length } });
  });

  it('stores the same bytes once, while each upload keeps its own record', async () => {
    const orderId = await orderOf(shop);
    const bytes = await noise(120, 90).jpeg().toBuffer();
    const first = await upload(orderId, staff, bytes, 'damage');
    const second = await upload(orderId, rider, bytes, 'proof_of_delivery');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json.attachmentId).not.toBe(first.json.attachmentId);
    expect(second.json.sha256).toBe(first.json.sha256);
    const sha256 = first.json.sha256 as string;
    expect((await storedFiles()).filter((name) => name.startsWith(sha256))).toEqual([`${sha256}.clean.jpg`, `${sha256}.jpg`, `${sha256}.thumb.webp`]);
    const listed = await send('GET', `/orders/${orderId}/attachments`, staff);
    expect((listed.json.attachments as Array<{ purpose: string }>).map((a) => a.purpose)).toEqual(['damage', 'proof_of_delivery']);
  });

  it('answers a retried upload with the first attachment and records it once; the key with another photo is 409', async () => {
    const orderId = await orderOf(shop);
    const bytes = await noise(64, 48).jpeg().toBuffer();
    const key = { 'idempotency-key': uniqueName('proof') };
    const rowsOf = async () => Number((await db().query(`SELECT count(*) AS n FROM attachments WHERE order_id = $1`, [orderId]))[0].n);
    const first = await upload(orderId, rider, bytes, 'proof_of_delivery', 'door.jpg', 'image/jpeg', key);
    const again = await upload(orderId, rider, bytes, 'proof_of_delivery', 'door.jpg', 'image/jpeg', key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), json: again.json }).toEqual({
      status: 201,
      replayed: 'true',
      json: first.json,
    });
    expect(await rowsOf()).toBe(1);

    const other = await upload(orderId, rider, await noise(64, 48).png().toBuffer(), 'proof_of_delivery', 'door.png', 'image/png', key);
    expect({ status: other.status, code: other.json.code }).toEqual({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    const otherPurpose = await upload(orderId, rider, bytes, 'damage', 'door.jpg', 'image/jpeg', key);
    expect(otherPurpose.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await rowsOf()).toBe(1);

    // A key is its caller's: staff choosing the same one make an attachment of their own.
    const staffs = await upload(orderId, staff, bytes, 'proof_of_delivery', 'door.jpg', 'image/jpeg', key);
    expect(staffs.status).toBe(201);
    expect(staffs.json.attachmentId).not.toBe(first.json.attachmentId);
    expect(await rowsOf()).toBe(2);
  });

  describe('refuses what is not a photo we take, naming why, and stores nothing', () => {
    let orderId: string;
    let rowsAtStart: number;
    beforeAll(async () => {
      orderId = await orderOf(shop);
      rowsAtStart = await rowCount();
    });

    const refusals: Array<[string, () => Promise<Buffer>, number, string]> = [
      ['a text file named .jpg', async () => Buffer.from('these are not the flowers you are looking for\n'), 400, 'NOT_AN_IMAGE'],
      [
        'a truncated JPEG',
        async () => {
          const jpeg = await noise(400, 300).jpeg().toBuffer();
          return jpeg.subarray(0, Math.floor(jpeg.length / 2));
        },
        400,
        'CORRUPT_IMAGE',
      ],
      ['a GIF', async () => solid(20, 20).gif().toBuffer(), 400, 'UNSUPPORTED_IMAGE_FORMAT'],
      ['a file over the size limit', async () => noise(500, 500).png().toBuffer(), 413, 'ATTACHMENT_TOO_LARGE'],
      ['an image of more pixels than allowed (a decompression bomb)', async () => solid(2100, 2100).png().toBuffer(), 400, 'IMAGE_TOO_MANY_PIXELS'],
      // sharp's bundled libvips decodes no HEVC: a HEIC is recognised by its ftyp box and refused by name.
      [
        'a HEIC',
        async () => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(200, 1)]),
        400,
        'UNSUPPORTED_IMAGE_FORMAT',
      ],
    ];

    it.each(refusals)('refuses %s', async (_, make, status, code) => {
      const bytes = await make();
      const filesBefore = await storedFiles();
      const rowsBefore = await rowCount();
      const answer = await upload(orderId, staff, bytes);
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({ code, correlationId: expect.any(String) });
      expect(answer.json.message).toEqual(expect.any(String));
      expect(await storedFiles()).toEqual(filesBefore);
      expect(await rowCount()).toBe(rowsBefore);
    });

    it('names HEIC as the refused format', async () => {
      const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(200, 1)]);
      const answer = await upload(orderId, staff, heic, 'message', 'IMG_0001.HEIC', 'image/heic');
      expect(answer.json).toMatchObject({ code: 'UNSUPPORTED_IMAGE_FORMAT', details: { format: 'heic' } });
      expect(answer.json.message).toContain('HEIC');
    });

    it('refuses an unknown purpose and a form without a file', async () => {
      const bytes = await solid(10, 10).png().toBuffer();
      expect((await upload(orderId, staff, bytes, 'selfie')).json).toMatchObject({ code: 'VALIDATION_FAILED' });
      const form = new FormData();
      form.append('purpose', 'damage');
      const answer = await send('POST', `/orders/${orderId}/attachments`, staff, { body: form });
      expect(answer).toMatchObject({ status: 400, json: { code: 'FILE_REQUIRED' } });
    });

    it('refuses a file under another field name, unknown fields and a second file', async () => {
      const png = new Blob([await solid(10, 10).png().toBuffer()], { type: 'image/png' });
      const form = (build: (f: FormData) => void) => {
        const f = new FormData();
        f.append('purpose', 'damage');
        build(f);
        return f;
      };
      const post = (body: FormData) => send('POST', `/orders/${orderId}/attachments`, staff, { body });
      expect((await post(form((f) => f.append('photo', png, 'a.png')))).json).toMatchObject({ code: 'UNEXPECTED_FIELDS' });
      expect((await post(form((f) => (f.append('file', png, 'a.png'), f.append('caption', 'hi'))))).json).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await post(form((f) => (f.append('file', png, 'a.png'), f.append('file', png, 'b.png'))))).json).toMatchObject({ code: 'ONE_FILE_PER_UPLOAD' });
      const json = await send('POST', `/orders/${orderId}/attachments`, staff, {
        body: JSON.stringify({ purpose: 'damage' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(json).toMatchObject({ status: 400, json: { code: 'MULTIPART_REQUIRED' } });
      expect(await rowCount()).toBe(rowsAtStart);
    });
  });

  it('documents the upload as multipart in the OpenAPI document', async () => {
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>>;
    };
    const upload = document.paths['/orders/{orderId}/attachments'].post;
    expect(upload.requestBody?.content['multipart/form-data'].schema.properties).toMatchObject({
      purpose: { enum: ['message', 'proof_of_delivery', 'damage', 'arrangement'] },
      file: { format: 'binary' },
    });
    expect(document.paths['/attachments/{id}/thumbnail'].get).toBeDefined();
  });

  describe('who may attach and see', () => {
    it('answers 404 to another shop, for uploads and photos alike, and to unknown orders', async () => {
      const orderId = await orderOf(shop);
      const bytes = await solid(10, 10).png().toBuffer();
      expect(await upload(orderId, staffOfOtherShop, bytes)).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_FOUND' } });
      expect(await upload(orderId, as({ role: 'rider', shopId: otherShop }), bytes)).toMatchObject({ status: 404 });
      expect(await upload(randomUUID(), staff, bytes)).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_FOUND' } });
      const id = (await upload(orderId, staff, bytes)).json.attachmentId as string;
      expect(await send('GET', `/attachments/${id}`, staffOfOtherShop)).toMatchObject({ status: 404, json: { code: 'ATTACHMENT_NOT_FOUND' } });
      expect(await send('GET', `/attachments/${id}/thumbnail`, staffOfOtherShop)).toMatchObject({ status: 404 });
      expect(await send('GET', `/orders/${orderId}/attachments`, staffOfOtherShop)).toMatchObject({ status: 404 });
      expect(await send('GET', `/attachments/${randomUUID()}`, staff)).toMatchObject({ status: 404 });
    });

    it('lets a rider attach to and see only the orders assigned to them, only while assigned', async () => {
      const orderId = await orderOf(shop);
      const bytes = await solid(12, 10).png().toBuffer();
      const otherRider = as({ role: 'rider', shopId: shop, sub: uniqueName('mo') });
      expect(await upload(orderId, otherRider, bytes)).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_FOUND' } });
      const id = (await upload(orderId, rider, bytes, 'proof_of_delivery')).json.attachmentId as string;
      expect((await send('GET', `/attachments/${id}`, rider)).status).toBe(200);
      expect((await send('GET', `/attachments/${id}`, otherRider)).status).toBe(404);
      await db().query(`UPDATE exception_order_assignments SET rider_id = NULL WHERE order_id = $1`, [orderId]);
      expect((await send('GET', `/attachments/${id}`, rider)).status).toBe(404);
      expect((await upload(orderId, rider, bytes)).status).toBe(404);
      expect((await send('GET', `/attachments/${id}`, florist)).status).toBe(200);
    });

    it("takes the finished arrangement's photo from florists and staff only, and shows it to the shop and the order's rider", async () => {
      const orderId = await orderOf(shop);
      const bytes = await solid(14, 10).png().toBuffer();
      const dispatcher = as({ role: 'dispatcher', shopId: shop });
      const before = await rowCount();
      // The buyer is shown the arrangement: no one who does not make it may label a photo as one.
      for (const token of [dispatcher, rider]) {
        expect(await upload(orderId, token, bytes, 'arrangement')).toMatchObject({
          status: 403,
          json: { code: 'PURPOSE_NOT_ALLOWED', details: { purpose: 'arrangement' } },
        });
      }
      expect(await rowCount()).toBe(before);
      const byFlorist = await upload(orderId, florist, bytes, 'arrangement');
      expect(byFlorist).toMatchObject({ status: 201, json: { orderId, purpose: 'arrangement', uploadedBy: { role: 'florist' } } });
      expect(await upload(orderId, staff, await solid(15, 10).png().toBuffer(), 'arrangement')).toMatchObject({ status: 201 });
      const id = byFlorist.json.attachmentId as string;
      for (const token of [staff, florist, dispatcher, rider]) {
        expect((await send('GET', `/attachments/${id}`, token)).status).toBe(200);
        expect((await send('GET', `/attachments/${id}/thumbnail`, token)).status).toBe(200);
      }
      const listed = await send('GET', `/orders/${orderId}/attachments`, dispatcher);
      expect((listed.json.attachments as Array<{ purpose: string }>).map((a) => a.purpose)).toEqual(['arrangement', 'arrangement']);
      expect((await send('GET', `/attachments/${id}`, staffOfOtherShop)).status).toBe(404);
      expect((await send('GET', `/attachments/${id}`, as({ role: 'rider', shopId: shop }))).status).toBe(404);
    });

    // The buyer sees the proof of delivery on the tracking page (/track); this API takes no customer token.
    it('refuses a customer token (what a tracking link used to carry) with 401 for photos, the list and uploads, storing nothing', async () => {
      const orderId = await orderOf(shop);
      const bytes = await solid(10, 10).png().toBuffer();
      const proof = (await upload(orderId, rider, bytes, 'proof_of_delivery')).json.attachmentId as string;
      const damage = (await upload(orderId, rider, await solid(11, 10).png().toBuffer(), 'damage')).json.attachmentId as string;
      const buyer = customerTokenForgery(orderId);
      const before = await rowCount();
      expect((await send('GET', `/attachments/${proof}`, buyer)).status).toBe(401);
      expect((await send('GET', `/attachments/${proof}/thumbnail`, buyer)).status).toBe(401);
      expect((await send('GET', `/attachments/${damage}`, buyer)).status).toBe(401);
      expect((await send('GET', `/attachments/${proof}`, customerTokenForgery(randomUUID()))).status).toBe(401);
      const listed = await send('GET', `/orders/${orderId}/attachments`, buyer);
      expect(listed.status).toBe(401);
      expect(listed.json.attachments).toBeUndefined();
      expect(await upload(orderId, buyer, bytes)).toMatchObject({ status: 401, json: { code: 'TOKEN_INVALID' } });
      expect(await rowCount()).toBe(before);
      // The proof is there, for those who may see it.
      expect((await send('GET', `/attachments/${proof}`, staff)).status).toBe(200);
    });
  });
});
