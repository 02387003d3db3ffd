import type { Readable } from 'node:stream';

/**
 * Where attachment bytes live. Keys are content addresses (`<sha256>.<ext>` and derived
 * variants), so a key's bytes never change: writing an existing key again is a no-op in effect.
 */
export interface StoragePort {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object's bytes; rejects with ObjectNotFound when the key is absent. */
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Releases connections at shutdown. */
  close?(): void;
}

/** Nest injection token of the configured StoragePort. */
export const STORAGE = Symbol('ATTACHMENT_STORAGE');

export class ObjectNotFound extends Error {
  constructor(readonly key: string) {
    super(`no stored object ${key}`);
    this.name = 'ObjectNotFound';
  }
}

/** Content-addressed keys only: nothing a caller sends can name a path. */
export const STORAGE_KEY = /^[0-9a-f]{64}(\.clean\.(jpg|png|webp)|\.(jpg|png|webp)|\.thumb\.webp)$/;

export function assertStorageKey(key: string): void {
  if (!STORAGE_KEY.test(key)) throw new Error(`not a content-addressed storage key: ${key}`);
}
