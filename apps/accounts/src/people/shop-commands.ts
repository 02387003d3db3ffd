import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { type CommandCause, type CommandResult, EventStore, readState, runCommand } from '@petalpost/event-store';
import { SERVICE_CONFIG } from '@petalpost/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { assertPasswordAcceptable, normalizeDisplayName, normalizeEmail, normalizePassword } from './domain/credentials';
import { type PersonCommand, personDecider, personStream } from './domain/person.decider';
import { type ShopCommand, shopDecider, type ShopState } from './domain/shop.decider';
import { type ActingPerson, type ShopRole, shopStream } from './domain/shop.events';
import { INVITATION_MAILS, type InvitationMails, queueInvitationMail } from './mail/invitation-mails';
import { directoryCaughtUp } from './directory-caught-up';
import { hashPassword } from './passwords';
import type { PeopleConfig } from './people.config';
import { shopOfSecret, signInOf } from './people.queries';

/** What the command's caller brings: who and why (metadata), and an Idempotency-Key when there is a caller to scope it to. */
export type Cause = CommandCause & { idempotency?: { key: string; fingerprint: string } };

export interface NewPerson {
  email: string;
  displayName: string;
  password: string;
}

/** An invitation as its creator sees it once: with the secret, which is kept nowhere (only its SHA-256). */
export interface IssuedInvitation {
  invitationId: string;
  secret?: string;
  link?: string;
  result: CommandResult<ShopState>;
}

export const secretHashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('base64url');

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The write side of shops and people, around the one command handler: a new person's registration
 * (their stream, their row in the sign-in table with the password hash and the unique e-mail) commits
 * with the shop event that brings them in; an invitation's secret lookup and its e-mail commit with it.
 */
@Injectable()
export class ShopCommands {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: PeopleConfig,
    @Inject(INVITATION_MAILS) private readonly mails: InvitationMails,
  ) {}

  /** A new shop with its owner, a new person (owner and staff). */
  async createShop(shop: { name: string; timeZone: string; currency: string }, owner: NewPerson, by: ActingPerson | { selfService: true }, cause: Cause) {
    const name = normalizeDisplayName(shop.name);
    const registration = await this.prepareRegistration(owner, name);
    const shopId = randomUUID();
    const command: ShopCommand = {
      type: 'CreateShop',
      shopId,
      name,
      timeZone: shop.timeZone,
      currency: shop.currency,
      ownerId: registration.personId,
      ownerRoles: ['staff'],
      by,
      now: now(),
    };
    return this.listed(
      this.withRegistration(registration, 'selfService' in by ? registration.personId : by.personId, (register) =>
        runCommand(this.store, shopDecider, shopStream(shopId), command, { ...cause, freshStream: true, ...register }),
      ),
    );
  }

  async invite(
    shopId: string,
    invitation: { email?: string; roles: ShopRole[]; expiresInDays: number },
    by: ActingPerson,
    cause: Cause,
  ): Promise<IssuedInvitation> {
    const secret = randomBytes(32).toString('base64url');
    const secretHash = secretHashOf(secret);
    const invitationId = randomUUID();
    const at = now();
    const expiresAt = new Date(Date.parse(at) + invitation.expiresInDays * DAY_MS).toISOString();
    const email = invitation.email === undefined ? undefined : normalizeEmail(invitation.email);
    // A rider and nothing else works from a phone: their link opens the rider's app.
    const riderOnly = invitation.roles.length > 0 && invitation.roles.every((role) => role === 'rider');
    const link = `${riderOnly ? this.config.ACCOUNTS_RIDER_INVITATION_URL : this.config.ACCOUNTS_INVITATION_URL}#${secret}`;
    const command: ShopCommand = {
      type: 'CreateInvitation',
      invitationId,
      secretHash,
      ...(email ? { email } : {}),
      roles: invitation.roles,
      expiresAt,
      by,
      now: at,
    };
    const result = await runCommand(this.store, shopDecider, shopStream(shopId), command, {
      ...cause,
      alongside: async (_events, db) => {
        await db.query(`INSERT INTO invitation_secrets (secret_hash, shop_id, invitation_id) VALUES ($1, $2, $3)`, [secretHash, shopId, invitationId]);
        if (email) await queueInvitationMail(db, { invitationId, shopId, to: email, roles: invitation.roles, expiresAt, link });
      },
    });
    if (result.replayed) {
      // A retry gets the invitation it made, but its secret was shown once and is kept nowhere.
      const [event] = await this.store.readStream(shopStream(shopId), { fromVersion: result.version });
      return { invitationId: (event.data as { invitationId: string }).invitationId, result };
    }
    if (email) void this.mails.runPass();
    await directoryCaughtUp(this.dataSource, result.events);
    return { invitationId, secret, link, result };
  }

  revoke(shopId: string, invitationId: string, by: ActingPerson, cause: Cause) {
    return this.listed(runCommand(this.store, shopDecider, shopStream(shopId), { type: 'RevokeInvitation', invitationId, by, now: now() }, cause));
  }

  change(shopId: string, personId: string, change: { roles?: ShopRole[]; owner?: boolean; manageTeam?: boolean }, by: ActingPerson, cause: Cause) {
    return this.listed(runCommand(this.store, shopDecider, shopStream(shopId), { type: 'ChangeMember', personId, ...change, by, now: now() }, cause));
  }

  /** The shop's name (normalised as at sign-up) and currency, owners only. */
  changeShop(shopId: string, change: { name?: string; currency?: string }, by: ActingPerson, cause: Cause) {
    const command: ShopCommand = {
      type: 'ChangeShop',
      ...(change.name !== undefined ? { name: normalizeDisplayName(change.name) } : {}),
      ...(change.currency !== undefined ? { currency: change.currency } : {}),
      by,
      now: now(),
    };
    return this.listed(runCommand(this.store, shopDecider, shopStream(shopId), command, cause));
  }

  remove(shopId: string, personId: string, by: ActingPerson, cause: Cause) {
    return this.listed(runCommand(this.store, shopDecider, shopStream(shopId), { type: 'RemoveMember', personId, by, now: now() }, cause));
  }

  /** A signed-in person accepts: the membership is added to them. */
  async acceptAsPerson(secret: string, personId: string, cause: Cause) {
    const secretHash = secretHashOf(secret);
    const shopId = await this.shopOf(secretHash);
    const person = await signInOf(this.dataSource.manager, { personId });
    if (!person) throw new DomainError('not_found', 'PERSON_NOT_FOUND', 'your token names no person of this service');
    const command: ShopCommand = { type: 'AcceptInvitation', secretHash, person, now: now() };
    return this.listed(runCommand(this.store, shopDecider, shopStream(shopId), command, cause));
  }

  /** Someone new accepts: they become a person (e-mail from the invitation if it has one) and a member, together. */
  async acceptAsNewPerson(secret: string, person: { email?: string; displayName: string; password: string }, cause: Cause) {
    const secretHash = secretHashOf(secret);
    const shopId = await this.shopOf(secretHash);
    const shop = await readState(this.store, shopDecider, shopStream(shopId));
    if (shop.status === 'none') throw invitationNotFound();
    const invitation = Object.values(shop.invitations).find((i) => i.secretHash === secretHash);
    const email = person.email ?? invitation?.email;
    if (!email) throw new DomainError('invalid', 'EMAIL_REQUIRED', 'this invitation names no e-mail address: give yours (email)');
    const at = now();
    // Is the invitation still good? Asked before a password is checked and hashed, and decided again when it is used.
    const dryRun: ShopCommand = { type: 'AcceptInvitation', secretHash, person: { personId: randomUUID(), email: normalizeEmail(email) }, now: at };
    shopDecider.decide(dryRun, shop);
    const registration = await this.prepareRegistration({ email, displayName: person.displayName, password: person.password }, shop.name);
    const command: ShopCommand = { ...dryRun, person: { personId: registration.personId, email: registration.email } };
    return this.listed(
      this.withRegistration(registration, registration.personId, (register) =>
        runCommand(this.store, shopDecider, shopStream(shopId), command, { ...cause, ...register }),
      ),
    );
  }

  /** A command's result, once the people directory (sign-in, the API's lists) shows what it did. */
  private async listed<T extends { events: CommandResult<ShopState>['events'] }>(running: Promise<T>): Promise<T> {
    const result = await running;
    await directoryCaughtUp(this.dataSource, result.events);
    return result;
  }

  /** Normalises and checks a new person's details, refusing a taken e-mail before the password is hashed. */
  private async prepareRegistration(person: NewPerson, shopName: string | undefined) {
    const email = normalizeEmail(person.email);
    const displayName = normalizeDisplayName(person.displayName);
    if (!displayName) throw new DomainError('invalid', 'DISPLAY_NAME_REQUIRED', 'a display name is required');
    assertPasswordAcceptable(person.password, { email, shopName });
    if (await signInOf(this.dataSource.manager, { email })) throw emailTaken();
    return { personId: randomUUID(), email, displayName, passwordHash: await hashPassword(normalizePassword(person.password)) };
  }

  /** Runs a shop command that registers the person with it: their stream and sign-in row commit with the shop's events. */
  private async withRegistration<T>(
    registration: { personId: string; email: string; displayName: string; passwordHash: string },
    registeredBy: string,
    run: (register: {
      linked: () => Array<{ streamId: string; decider: typeof personDecider; command: PersonCommand }>;
      alongside: (_: unknown, db: EntityManager) => Promise<void>;
    }) => Promise<T>,
  ): Promise<T> {
    const { personId, email, displayName, passwordHash } = registration;
    const register: PersonCommand = { type: 'RegisterPerson', personId, email, displayName, operator: false, by: registeredBy, now: now() };
    try {
      return await run({
        linked: () => [{ streamId: personStream(personId), decider: personDecider, command: register }],
        alongside: (_, db) => insertSignIn(db, personId, email, passwordHash),
      });
    } catch (err) {
      // Two sign-ups with one address at once: the unique index decides.
      if (
        (err as { code?: string; constraint?: string }).code === '23505' &&
        String((err as { constraint?: string }).constraint).startsWith('person_sign_in_email')
      ) {
        throw emailTaken();
      }
      throw err;
    }
  }

  private async shopOf(secretHash: string): Promise<string> {
    const shopId = await shopOfSecret(this.dataSource.manager, secretHash);
    if (!shopId) throw invitationNotFound();
    return shopId;
  }
}

/** A person's sign-in row: their unique e-mail and password hash, kept out of the log. */
export async function insertSignIn(db: EntityManager, personId: string, email: string, passwordHash: string | undefined): Promise<void> {
  await db.query(`INSERT INTO person_sign_in (person_id, email, password_hash) VALUES ($1, $2, $3)`, [personId, email, passwordHash ?? null]);
}

export const emailTaken = () =>
  new DomainError('conflict', 'EMAIL_TAKEN', 'a person with this e-mail address already exists: sign in, then accept invitations with your token');
const invitationNotFound = () => new DomainError('not_found', 'INVITATION_NOT_FOUND', 'no such invitation');
const now = () => new Date().toISOString();
