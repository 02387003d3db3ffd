import { type AccessTokenSigner as Signer, AccessTokenSigner, publicJwk, type SigningKey, signingKeyFromJwk } from './access-tokens';

/**
 * The development signing key. It is public, in this file, so it must never be trusted anywhere
 * but a developer's loopback: the services refuse it in production, and refuse to listen beyond
 * loopback while trusting it (see authConfigShape).
 */
export const DEVELOPMENT_KEY_ID = 'petalpost-development-key';

const DEVELOPMENT_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'bpFms3SImgWtmTv9wjyPGWDMPiIv7s1n86XazBF7ycY',
  y: 'BsVtqTZ7DKa4VMYXbzvJBWCOXA2UZ2aVHoJHdPqNr60',
  d: 'oysRmEzRoUP3EE9BDDB23_sHtQF-E8POkIfsGNpWIVY',
};

export const developmentSigningKey: SigningKey = signingKeyFromJwk(DEVELOPMENT_KEY_ID, DEVELOPMENT_PRIVATE_JWK);
export const developmentPublicJwk = publicJwk(developmentSigningKey);

/** Signs with the development key: the token command and the specs. */
export function developmentTokens(): Signer {
  return new AccessTokenSigner(developmentSigningKey);
}
