export { AccessTokenIssuer } from './access-token-issuer';
export { Sessions1768000000200 } from './sessions.migration';
export { sessionsConfigShape } from './sessions.config';
export { SessionsModule } from './sessions.module';
export { type ClientInfo, type OpenedSession, SessionsService } from './sessions.service';
export { SessionTokens } from './api/sessions.dto';
export { Client } from './api/client-info';
export { assertManagesTeam, type DirectoryMembership, type DirectoryPerson, SignInDirectory, SignInDirectoryModule } from './sign-in-directory';
export { hashOf, newOpaqueToken } from './opaque-tokens';
