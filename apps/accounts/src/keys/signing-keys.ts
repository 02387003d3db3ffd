import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AccessTokenSigner, generateSigningKey, MAX_ACCESS_TOKEN_SECONDS, publicJwk, signingKeyFromJwk } from '@petalpost/auth';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { type KeyRecord, type KeyStatus, planRotation, type Rotation, type RotationPolicy, type RotationStep } from './domain/key-rotation';
import { sealPrivateJwk, unsealPrivateJwk } from './key-sealing';
import { keyEncryptionKeyFrom, type KeysConfig } from './keys.config';

/** Verifiers allow this much clock difference (libs/auth's TokenVerifier allows 30 s); a retiring key stays published for it too. */
const CLOCK_SKEW_MS = 60_000;

export interface SigningKeyView {
  kid: string;
  status: KeyStatus;
  createdAt: string;
  activatedAt?: string;
  retiringAt?: string;
  publishUntil?: string;
  retiredAt?: string;
}

/** A public key as the JWKS publishes it (what libs/auth's publicJwk makes). */
export type PublishedKey = ReturnType<typeof publicJwk> & { kty: string; crv: string; x: string; y: string };

interface KeyRow {
  kid: string;
  status: KeyStatus;
  created_at: Date;
  activated_at: Date | null;
  retiring_at: Date | null;
  publish_until: Date | null;
  retired_at: Date | null;
}

export function rotationPolicyOf(config: Pick<KeysConfig, 'ACCOUNTS_KEY_ROTATION_DAYS' | 'ACCOUNTS_KEY_PREPUBLISH_MINUTES'>): RotationPolicy {
  return {
    rotateEveryMs: config.ACCOUNTS_KEY_ROTATION_DAYS * 24 * 60 * 60_000,
    prepublishMs: config.ACCOUNTS_KEY_PREPUBLISH_MINUTES * 60_000,
    retireAfterMs: MAX_ACCESS_TOKEN_SECONDS * 1000 + CLOCK_SKEW_MS,
  };
}

/**
 * The access tokens' signing keys, kept in the accounts database with their private halves sealed.
 * Every replica signs with the one key the database says is active (read at each signing, so a
 * rotation by another replica takes effect at once), and publishes pending, active and retiring keys.
 */
@Injectable()
export class SigningKeys implements OnApplicationBootstrap {
  private readonly kek: Buffer;
  private readonly policy: RotationPolicy;
  /** Unsealing is cheap but not free: one signer per key id this replica has signed with. */
  private readonly signers = new Map<string, AccessTokenSigner>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: KeysConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.kek = keyEncryptionKeyFrom(config);
    this.policy = rotationPolicyOf(config);
  }

  /** A service that has just started signs at once: the first replica makes the first key. */
  async onApplicationBootstrap(): Promise<void> {
    await this.rotate('schedule');
  }

  /** The signer of the active key. */
  async signer(): Promise<AccessTokenSigner> {
    const [row] = await this.dataSource.query<Array<{ kid: string; sealed_private_jwk: string }>>(
      `SELECT kid, sealed_private_jwk FROM signing_keys WHERE status = 'active'`,
    );
    // The service makes its first key as it starts: none active is a fault, not a caller's mistake.
    if (!row) throw new Error('no signing key is active');
    let signer = this.signers.get(row.kid);
    if (!signer) {
      signer = new AccessTokenSigner(signingKeyFromJwk(row.kid, unsealPrivateJwk(this.kek, row.kid, row.sealed_private_jwk)));
      this.signers.set(row.kid, signer);
    }
    return signer;
  }

  /** The JWKS: every key a valid token may carry — pending (soon), active, retiring (its tokens still live). */
  async published(now = new Date()): Promise<PublishedKey[]> {
    const rows = await this.dataSource.query<Array<{ public_jwk: PublishedKey }>>(
      `SELECT public_jwk FROM signing_keys
        WHERE status IN ('pending', 'active') OR (status = 'retiring' AND publish_until > $1)
        ORDER BY created_at DESC`,
      [now],
    );
    return rows.map((r) => r.public_jwk);
  }

  async list(): Promise<SigningKeyView[]> {
    const rows = await this.dataSource.query<KeyRow[]>(`SELECT * FROM signing_keys ORDER BY created_at DESC`);
    return rows.map(viewOf);
  }

  /**
   * Does what the schedule (or an operator's `prepare`/`now`) calls for. Replicas take turns (a
   * transaction advisory lock); the unique indexes refuse a second active or pending key regardless.
   */
  async rotate(rotation: Rotation, now = new Date()): Promise<RotationStep[]> {
    const steps = await this.dataSource.transaction(async (db) => {
      await db.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':signing-keys'))`);
      const rows = await db.query<KeyRow[]>(`SELECT * FROM signing_keys WHERE status <> 'retired'`);
      const planned = planRotation(rows.map(recordOf), { now, newKid: randomUUID(), rotation }, this.policy);
      for (const step of planned) await this.apply(db, step, now);
      return planned;
    });
    if (steps.length > 0) this.logger.info({ steps: steps.map((s) => `${s.type} ${s.kid}`), rotation }, 'signing keys rotated');
    return steps;
  }

  private async apply(db: EntityManager, step: RotationStep, now: Date): Promise<void> {
    switch (step.type) {
      case 'CreateKey': {
        const key = generateSigningKey(step.kid);
        const sealed = sealPrivateJwk(this.kek, key.kid, key.privateKey.export({ format: 'jwk' }));
        await db.query(`INSERT INTO signing_keys (kid, status, public_jwk, sealed_private_jwk, created_at, activated_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
          key.kid,
          step.status,
          JSON.stringify(publicJwk(key)),
          sealed,
          now,
          step.status === 'active' ? now : null,
        ]);
        return;
      }
      case 'ActivateKey':
        await db.query(`UPDATE signing_keys SET status = 'active', activated_at = $2 WHERE kid = $1 AND status = 'pending'`, [step.kid, now]);
        return;
      case 'RetireKey':
        // It signs no more, so its private half is erased now; its public half verifies until publish_until.
        await db.query(
          `UPDATE signing_keys SET status = 'retiring', retiring_at = $2, publish_until = $3, sealed_private_jwk = NULL WHERE kid = $1 AND status = 'active'`,
          [step.kid, now, step.publishUntil],
        );
        return;
      case 'DropKey':
        await db.query(`UPDATE signing_keys SET status = 'retired', retired_at = $2 WHERE kid = $1 AND status = 'retiring'`, [step.kid, now]);
        return;
      default: {
        const unknown: never = step;
        throw new Error(`unknown rotation step ${JSON.stringify(unknown)}`);
      }
    }
  }
}

function recordOf(row: KeyRow): KeyRecord {
  return {
    kid: row.kid,
    status: row.status,
    createdAt: row.created_at,
    ...(row.activated_at ? { activatedAt: row.activated_at } : {}),
    ...(row.publish_until ? { publishUntil: row.publish_until } : {}),
  };
}

function viewOf(row: KeyRow): SigningKeyView {
  const iso = (d: Date | null) => d?.toISOString();
  return {
    kid: row.kid,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    ...(row.activated_at ? { activatedAt: iso(row.activated_at) } : {}),
    ...(row.retiring_at ? { retiringAt: iso(row.retiring_at) } : {}),
    ...(row.publish_until ? { publishUntil: iso(row.publish_until) } : {}),
    ...(row.retired_at ? { retiredAt: iso(row.retired_at) } : {}),
  };
}
