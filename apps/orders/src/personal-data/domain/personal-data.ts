/**
 * Personal data as the order log holds it: encrypted under one person's key, opaque to the
 * rules (the vault in ../personal-data seals and opens it). Erasing the person deletes the key.
 */
export interface Sealed {
  personId: string;
  sealed: string;
}

/** A person's erasure is recorded on their own stream: `person-<id>`. */
export function personStream(personId: string): string {
  return `person-${personId}`;
}
