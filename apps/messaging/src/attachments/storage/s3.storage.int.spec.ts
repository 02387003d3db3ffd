import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { ConfigError } from '@petalpost/platform';
import { openStorage } from './open-storage';
import { S3Storage } from './s3.storage';
import { ObjectNotFound } from './storage.port';

interface SeenRequest {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
}

/**
 * A stand-in for an S3-compatible endpoint (path-style PUT, HEAD and GET, as MinIO serves them):
 * enough to check what the real SDK sends. Not real S3 — that is not reachable from here.
 */
function fakeS3() {
  const objects = new Map<string, { bytes: Buffer; contentType: string }>();
  const seen: SeenRequest[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://s3').pathname);
      seen.push({ method: request.method ?? '', path, contentType: request.headers['content-type'], authorization: request.headers.authorization });
      const body = await buffer(request);
      if (request.method === 'PUT') {
        objects.set(path, { bytes: body, contentType: String(request.headers['content-type']) });
        response.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
        return;
      }
      const object = objects.get(path);
      if (!object) {
        response.writeHead(404, { 'content-type': 'application/xml' });
        response.end(request.method === 'HEAD' ? undefined : '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
        return;
      }
      response.writeHead(200, { 'content-type': object.contentType, 'content-length': object.bytes.length });
      response.end(request.method === 'HEAD' ? undefined : object.bytes);
    })();
  });
  return { server, objects, seen };
}

describe('S3-compatible storage, against a stand-in endpoint', () => {
  const sha = createHash('sha256').update('peonies').digest('hex');
  let fake: ReturnType<typeof fakeS3>;
  let storage: S3Storage;

  beforeAll(async () => {
    fake = fakeS3();
    await new Promise<void>((resolve) => (fake.server as Server).listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    storage = new S3Storage({
      bucket: 'petalpost-photos',
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      prefix: 'attachments/',
      credentials: { accessKeyId: 'test-key', secretAccessKey: 'test-secret' },
    });
  });
  afterAll(async () => {
    storage.close();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  it('puts an object under bucket/prefix/key with its content type, signed', async () => {
    await storage.put(`${sha}.jpg`, Buffer.from('peonies'), 'image/jpeg');
    const put = fake.seen.find((r) => r.method === 'PUT');
    expect(put).toMatchObject({ path: `/petalpost-photos/attachments/${sha}.jpg`, contentType: 'image/jpeg' });
    expect(put?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test-key\/\d{8}\/eu-west-1\/s3\/aws4_request/);
    expect(fake.objects.get(`/petalpost-photos/attachments/${sha}.jpg`)?.bytes.toString()).toBe('peonies');
  });

  it('tells whether an object exists and reads it back', async () => {
    expect(await storage.exists(`${sha}.jpg`)).toBe(true);
    expect(await storage.exists(`${sha}.thumb.webp`)).toBe(false);
    expect((await buffer(await storage.get(`${sha}.jpg`))).toString()).toBe('peonies');
    await expect(storage.get(`${sha}.png`)).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it('builds keys from content addresses only', () => {
    expect(storage.objectKey(`${sha}.clean.png`)).toBe(`attachments/${sha}.clean.png`);
    expect(() => storage.objectKey('../../other-bucket/x.jpg')).toThrow('not a content-addressed storage key');
  });
});

describe('choosing the storage from the config', () => {
  const base = {
    MESSAGING_ATTACHMENT_MAX_BYTES: 1024,
    MESSAGING_ATTACHMENT_MAX_PIXELS: 1,
    MESSAGING_STORAGE: 's3' as const,
    MESSAGING_STORAGE_DIR: '.data/unused',
    MESSAGING_S3_REGION: 'us-east-1',
    MESSAGING_S3_FORCE_PATH_STYLE: false,
    MESSAGING_S3_PREFIX: '',
  };

  it('refuses to boot with a half-configured S3, naming the variables', async () => {
    await expect(openStorage({ ...base, MESSAGING_S3_ACCESS_KEY_ID: 'only-the-key' })).rejects.toThrow(ConfigError);
    await expect(openStorage({ ...base, MESSAGING_S3_ACCESS_KEY_ID: 'only-the-key' })).rejects.toThrow(
      /MESSAGING_S3_BUCKET[\s\S]*MESSAGING_S3_SECRET_ACCESS_KEY/,
    );
  });

  it('opens an S3 storage when the bucket is given', async () => {
    const storage = await openStorage({ ...base, MESSAGING_S3_BUCKET: 'photos', MESSAGING_S3_PREFIX: 'p/' });
    expect(storage).toBeInstanceOf(S3Storage);
    storage.close?.();
  });
});
