import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { assertStorageKey, ObjectNotFound, type StoragePort } from './storage.port';

/** Objects as files in one directory, the default for development and single-node runs. */
export class LocalDiskStorage implements StoragePort {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  async open(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
  }

  /** The content type is not kept: a key's extension names its format. */
  async put(key: string, bytes: Buffer, _contentType?: string): Promise<void> {
    assertStorageKey(key);
    // Written aside and renamed into place: a reader never sees half an object.
    const temporary = join(this.directory, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, join(this.directory, key));
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    assertStorageKey(key);
    if (!(await this.exists(key))) throw new ObjectNotFound(key);
    return createReadStream(join(this.directory, key));
  }

  async exists(key: string): Promise<boolean> {
    assertStorageKey(key);
    return stat(join(this.directory, key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }
}
