import { createSessionStore } from '@petalpost/web-kit';

export { membershipOf, SignInError, type Membership, type Role, type Session } from '@petalpost/web-kit';

// The rider's own session, apart from the console's on the same origin: a phone stays signed in
// (the refresh token) until the shop removes the rider or the rider signs out.
export const { useSession, currentSession, signIn, adopt, actAs, signOut, freshToken } = createSessionStore({
  storageKey: 'petalpost.rider.session',
  lockName: 'petalpost.rider.refresh',
});
