import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { StoredEntry } from '../outbox/outbox-queue';
import type { PositionReport } from '../positions/position-queue';

/**
 * What the phone keeps for when the network is gone: the outbox's actions (with their photos, as
 * Blobs) and the shift's position reports. IndexedDB survives a reload, the app being killed and
 * the phone restarting; localStorage could not hold the photos.
 */
interface RiderDb extends DBSchema {
  outbox: { key: string; value: StoredEntry; indexes: { byOwner: string } };
  positions: { key: string; value: PositionReport; indexes: { byOwner: string } };
}

let opening: Promise<IDBPDatabase<RiderDb>> | undefined;

export function riderDb(): Promise<IDBPDatabase<RiderDb>> {
  opening ??= openDB<RiderDb>('petalpost-rider', 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('byOwner', 'owner');
      db.createObjectStore('positions', { keyPath: 'id' }).createIndex('byOwner', 'owner');
    },
    // Another tab runs a newer version of the app: let it upgrade, this one reopens at its next use.
    blocking() {
      void opening?.then((db) => db.close());
      opening = undefined;
    },
  });
  return opening;
}
