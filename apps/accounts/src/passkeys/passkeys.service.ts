import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type Role } from '@petalpost/contracts';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type PasskeysConfig, type WebAuthnSettings, webAuthnSettingsFrom } from './passkeys.config';
import { type ClientInfo, type OpenedSession, SessionsService, SignInDirectory } from '../sessions';

/** Enough for a PC at each of a person's shops, a phone and spare keys; a bound keeps the list reviewable. */
export const MAX_PASSKEYS_PER_PERSON = 20;

type Ceremony = 'registration' | 'authentication';

interface PasskeyRow {
  credential_id: string;
  person_id: string;
  public_key: Buffer;
  counter: string;
  transports: string[];
  label: string;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
  created_at: Date;
  last_used_at: Date | null;
  counter_regressed_at: Date | null;
}

export interface PasskeyView {
  credentialId: string;
  label: string;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  createdAt: string;
  lastUsedAt?: string;
  counterRegressedAt?: string;
}

const viewOf = (row: PasskeyRow): PasskeyView => ({
  credentialId: row.credential_id,
  label: row.label,
  transports: row.transports,
  deviceType: row.device_type,
  backedUp: row.backed_up,
  createdAt: row.created_at.toISOString(),
  ...(row.last_used_at ? { lastUsedAt: row.last_used_at.toISOString() } : {}),
  ...(row.counter_regressed_at ? { counterRegressedAt: row.counter_regressed_at.toISOString() } : {}),
});

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The challenge the browser signed, read from clientDataJSON: which ceremony the answer belongs to. */
function challengeOf(clientDataJSON: string, refusal: (reason: string) => DomainError): string {
  try {
    const clientData = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    if (typeof clientData.challenge === 'string' && clientData.challenge.length > 0) return clientData.challenge;
  } catch {
    // falls through to the refusal
  }
  throw refusal('clientDataJSON is not base64url-encoded JSON with a challenge');
}

/**
 * Passkeys (WebAuthn): a person registers the authenticators of the PCs and phones they use, then
 * signs in by touching one, with no password to phish. Every challenge is made here, kept here,
 * short-lived and good for one answer.
 */
@Injectable()
export class PasskeysService {
  readonly settings: WebAuthnSettings;

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: SignInDirectory,
    private readonly sessions: SessionsService,
    @Inject(SERVICE_CONFIG) config: PasskeysConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.settings = webAuthnSettingsFrom(config);
  }

  async registrationOptions(personId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const person = await this.directory.byId(personId);
    if (!person) throw new DomainError('not_found', 'PERSON_NOT_FOUND', 'you are not known here any more: sign in again');
    const existing = await this.rowsOf(personId);
    if (existing.length >= MAX_PASSKEYS_PER_PERSON) {
      throw new DomainError('conflict', 'TOO_MANY_PASSKEYS', `you have ${MAX_PASSKEYS_PER_PERSON} passkeys: delete one you no longer use first`);
    }
    const challenge = await this.newChallenge('registration', personId);
    return generateRegistrationOptions({
      rpName: this.settings.rpName,
      rpID: this.settings.rpId,
      // The user handle comes back with a usernameless sign-in: the person's id, never their e-mail.
      userID: Buffer.from(personId, 'utf8'),
      userName: person.email,
      userDisplayName: person.displayName,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: this.settings.challengeMs,
      attestationType: 'none',
      excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: row.transports as AuthenticatorTransport[] })),
      // Discoverable, so the person need not type who they are; verified (PIN or biometrics), since a shop PC is shared.
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
  }

  async register(personId: string, response: RegistrationResponseJSON, label: string | undefined): Promise<PasskeyView> {
    const refused = (reason: string) => new DomainError('invalid', 'PASSKEY_NOT_VERIFIED', `the passkey could not be verified: ${reason}`, { reason });
    const challenge = challengeOf(response.response.clientDataJSON, refused);
    if (!(await this.takeChallenge(challenge, 'registration', personId))) {
      throw new DomainError('invalid', 'PASSKEY_CHALLENGE_UNKNOWN', 'this registration was not started here, has expired or was already answered: start again');
    }
    let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.settings.origins,
        expectedRPID: this.settings.rpId,
        requireUserVerification: true,
      });
    } catch (err) {
      this.logger.info({ personId, reason: reasonOf(err) }, 'passkey registration refused');
      throw refused(reasonOf(err));
    }
    if (!verification.verified) throw refused('the attestation does not verify');
    const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verification.registrationInfo;
    const now = new Date();
    // An INSERT answers its rows alone (an UPDATE or DELETE answers [rows, count]).
    const rows = await this.dataSource.query<PasskeyRow[]>(
      `INSERT INTO passkeys (credential_id, person_id, public_key, counter, transports, label, device_type, backed_up, aaguid, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (credential_id) DO NOTHING RETURNING *`,
      [
        credential.id,
        personId,
        Buffer.from(credential.publicKey),
        credential.counter,
        credential.transports ?? [],
        label ?? `Passkey of ${now.toISOString().slice(0, 10)}`,
        credentialDeviceType,
        credentialBackedUp,
        aaguid,
        now,
      ],
    );
    if (!rows[0]) throw new DomainError('conflict', 'PASSKEY_ALREADY_REGISTERED', 'this passkey is already registered');
    this.logger.info({ personId, credentialId: credential.id, deviceType: credentialDeviceType }, 'passkey registered');
    return viewOf(rows[0]);
  }

  async list(personId: string): Promise<PasskeyView[]> {
    return (await this.rowsOf(personId)).map(viewOf);
  }

  async remove(personId: string, credentialId: string): Promise<void> {
    const [, deleted] = (await this.dataSource.query(`DELETE FROM passkeys WHERE credential_id = $1 AND person_id = $2`, [credentialId, personId])) as [
      unknown,
      number,
    ];
    if (deleted === 0) throw new DomainError('not_found', 'PASSKEY_NOT_FOUND', 'no such passkey');
    this.logger.info({ personId, credentialId }, 'passkey deleted');
  }

  /** Usernameless: no credentials are named, the authenticator offers the passkeys it holds for this RP ID. */
  async signInOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = await this.newChallenge('authentication', null);
    return generateAuthenticationOptions({
      rpID: this.settings.rpId,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: this.settings.challengeMs,
      userVerification: 'required',
    });
  }

  async signIn(response: AuthenticationResponseJSON, requested: { shopId?: string; role?: Role }, client: ClientInfo): Promise<OpenedSession> {
    const refused = (reason: string) => new DomainError('unauthenticated', 'PASSKEY_NOT_VERIFIED', `the passkey could not be verified: ${reason}`, { reason });
    const challenge = challengeOf(response.response.clientDataJSON, refused);
    if (!(await this.takeChallenge(challenge, 'authentication', null))) {
      throw new DomainError(
        'unauthenticated',
        'PASSKEY_CHALLENGE_UNKNOWN',
        'this sign-in was not started here, has expired or was already answered: start again',
      );
    }
    const [passkey] = await this.dataSource.query<PasskeyRow[]>(`SELECT * FROM passkeys WHERE credential_id = $1`, [response.id]);
    if (!passkey) {
      this.logger.info({ credentialId: response.id.slice(0, 64), clientAddress: client.address }, 'passkey sign-in refused: unknown passkey');
      throw new DomainError('unauthenticated', 'PASSKEY_NOT_RECOGNISED', 'this passkey is not registered here (it may have been deleted)');
    }
    const userHandle = response.response.userHandle;
    if (userHandle && Buffer.from(userHandle, 'base64url').toString('utf8') !== passkey.person_id) throw refused('the user handle is not the passkey owner');
    const storedCounter = Number(passkey.counter);
    let newCounter: number;
    try {
      const verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.settings.origins,
        expectedRPID: this.settings.rpId,
        // The counter is compared below, after the signature is known good, so a regression can be recorded.
        credential: { id: passkey.credential_id, publicKey: new Uint8Array(passkey.public_key), counter: 0 },
        requireUserVerification: true,
      });
      if (!verification.verified) throw new Error('the assertion does not verify');
      newCounter = verification.authenticationInfo.newCounter;
    } catch (err) {
      this.logger.info({ personId: passkey.person_id, credentialId: passkey.credential_id, reason: reasonOf(err) }, 'passkey sign-in refused');
      throw refused(reasonOf(err));
    }
    // Authenticators that keep no counter always say 0; one that does must count up, or a copy of it is in use.
    if ((newCounter > 0 || storedCounter > 0) && newCounter <= storedCounter) {
      await this.dataSource.query(`UPDATE passkeys SET counter_regressed_at = now() WHERE credential_id = $1`, [passkey.credential_id]);
      this.logger.warn(
        { personId: passkey.person_id, credentialId: passkey.credential_id, storedCounter, newCounter, clientAddress: client.address },
        'passkey signature counter went backwards: possibly a cloned authenticator; sign-in refused',
      );
      throw new DomainError(
        'unauthenticated',
        'PASSKEY_COUNTER_REGRESSED',
        'this passkey reported a lower use count than before, as a copied authenticator would: sign in otherwise and review your passkeys',
      );
    }
    const person = await this.directory.byId(passkey.person_id);
    if (!person) throw new DomainError('unauthenticated', 'PASSKEY_NOT_RECOGNISED', 'this passkey is not registered here (it may have been deleted)');
    // The count moves only with a session opened: refused (no longer a member, say), it is rolled back.
    const opened = await this.dataSource.transaction(async (db) => {
      const [, updated] = (await db.query(`UPDATE passkeys SET counter = $2, last_used_at = now() WHERE credential_id = $1 AND counter = $3`, [
        passkey.credential_id,
        newCounter,
        passkey.counter,
      ])) as [unknown, number];
      if (updated === 0) throw refused('the passkey was used concurrently');
      return this.sessions.open(person, requested, client);
    });
    this.logger.info({ personId: person.personId, credentialId: passkey.credential_id, sessionId: opened.session.sessionId }, 'signed in with a passkey');
    return opened;
  }

  private rowsOf(personId: string): Promise<PasskeyRow[]> {
    return this.dataSource.query<PasskeyRow[]>(`SELECT * FROM passkeys WHERE person_id = $1 ORDER BY created_at, credential_id`, [personId]);
  }

  /** 32 random bytes, kept until answered or expired; expired ones are swept as new ones are made. */
  private async newChallenge(ceremony: Ceremony, personId: string | null): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    await this.dataSource.query(`DELETE FROM webauthn_challenges WHERE expires_at < now()`);
    await this.dataSource.query(`INSERT INTO webauthn_challenges (challenge, ceremony, person_id, expires_at) VALUES ($1, $2, $3, $4)`, [
      challenge,
      ceremony,
      personId,
      new Date(Date.now() + this.settings.challengeMs),
    ]);
    return challenge;
  }

  /** Takes the challenge for good: a second answer to it, even a valid one, finds nothing. */
  private async takeChallenge(challenge: string, ceremony: Ceremony, personId: string | null): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `DELETE FROM webauthn_challenges WHERE challenge = $1 AND ceremony = $2 AND person_id IS NOT DISTINCT FROM $3 RETURNING expires_at`,
      [challenge, ceremony, personId],
    )) as [Array<{ expires_at: Date }>, number];
    return rows.length === 1 && rows[0].expires_at.getTime() > Date.now();
  }
}
