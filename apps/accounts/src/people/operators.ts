import { randomUUID } from 'node:crypto';
import { DomainError } from '@petalpost/contracts';
import { EventStore, runCommand } from '@petalpost/event-store';
import type { DataSource } from 'typeorm';
import { assertPasswordAcceptable, normalizeDisplayName, normalizeEmail, normalizePassword } from './domain/credentials';
import { personDecider, personStream } from './domain/person.decider';
import { hashPassword } from './passwords';
import { signInOf } from './people.queries';
import { emailTaken, insertSignIn } from './shop-commands';

/**
 * Registers one of the platform's own people: an operator, who belongs to no shop and may act for
 * every one. Only the command line does this (npm run accounts:operator), writing to the service's
 * log directly; no route and no invitation ever makes an operator.
 */
export async function registerOperator(
  dataSource: DataSource,
  operator: { email: string; displayName: string; password: string },
): Promise<{ personId: string; email: string }> {
  const email = normalizeEmail(operator.email);
  const displayName = normalizeDisplayName(operator.displayName);
  if (!displayName) throw new DomainError('invalid', 'DISPLAY_NAME_REQUIRED', 'a display name is required');
  assertPasswordAcceptable(operator.password, { email });
  if (await signInOf(dataSource.manager, { email })) throw emailTaken();
  const passwordHash = await hashPassword(normalizePassword(operator.password));
  const personId = randomUUID();
  const now = new Date().toISOString();
  await runCommand(
    new EventStore(dataSource),
    personDecider,
    personStream(personId),
    { type: 'RegisterPerson', personId, email, displayName, operator: true, by: 'command-line', now },
    { actor: { role: 'operator', subject: 'command-line' }, freshStream: true, alongside: (_, db) => insertSignIn(db, personId, email, passwordHash) },
  );
  return { personId, email };
}
