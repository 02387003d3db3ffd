// The federation slice: a shop chain's own OpenID Connect provider, per shop, and the sign-in through it.
export { federationConfigShape } from './federation.config';
export { ShopIdentityProviders1781000000200 } from './federation.migration';
export { FederationModule } from './federation.module';
