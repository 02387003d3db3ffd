import { createSessionStore } from '@petalpost/web-kit';

export { membershipOf, SignInError, type Membership, type Role, type Session } from '@petalpost/web-kit';

// The console's own session, apart from the rider's app on the same origin.
export const { useSession, currentSession, signIn, adopt, actAs, signOut, freshToken } = createSessionStore({
  storageKey: 'petalpost.session',
  lockName: 'petalpost.refresh',
});
