import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { LocalDiskStorage } from './local-disk.storage';
import { ObjectNotFound } from './storage.port';

describe('local-disk storage', () => {
  let directory: string;
  let storage: LocalDiskStorage;
  const sha = createHash('sha256').update('tulips').digest('hex');

  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'storage-')), 'nested', 'attachments');
    storage = new LocalDiskStorage(directory);
    await storage.open();
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('creates its directory and keeps an object under its key, leaving no temporary file', async () => {
    expect(await storage.exists(`${sha}.jpg`)).toBe(false);
    await storage.put(`${sha}.jpg`, Buffer.from('tulips'), 'image/jpeg');
    expect(await storage.exists(`${sha}.jpg`)).toBe(true);
    expect(await text(await storage.get(`${sha}.jpg`))).toBe('tulips');
    expect(await readdir(directory)).toEqual([`${sha}.jpg`]);
  });

  it('reports an absent object as not found', async () => {
    await expect(storage.get(`${sha}.thumb.webp`)).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it('refuses any key that is not a content address, so no path can be named', async () => {
    for (const key of ['../etc/passwd', `${sha}.exe`, `${sha}/x.jpg`, 'photo.jpg', `${sha.toUpperCase()}.jpg`]) {
      await expect(storage.put(key, Buffer.from('x'), 'image/jpeg')).rejects.toThrow('not a content-addressed storage key');
      await expect(storage.exists(key)).rejects.toThrow('not a content-addressed storage key');
    }
  });
});
