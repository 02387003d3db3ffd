import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface ProviderPerson {
  email: string;
  emailVerified: boolean;
}

/**
 * A real OpenID provider (oidc-provider, the certified Node implementation) on 127.0.0.1, standing in
 * for a shop chain's own: one static confidential client, the people it knows, and its development
 * interactions (a login form that takes any account id, then a consent form), driven over plain HTTP.
 */
export class TestIdentityProvider {
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  static async start(options: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    people: Record<string, ProviderPerson>;
  }): Promise<TestIdentityProvider> {
    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          redirect_uris: [options.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'ES256',
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      cookies: { keys: ['a cookie key for the test provider'] },
      // Its own signing key and lifetimes, so it announces only what a test provider is: in-memory, with development forms.
      jwks: { keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'test' }] },
      ttl: { AccessToken: 300, AuthorizationCode: 60, IdToken: 300, Interaction: 600, Session: 3600, Grant: 3600 },
      features: { devInteractions: { enabled: true } },
      pkce: { required: () => true },
      findAccount: (_ctx: unknown, accountId: string) => {
        const person = options.people[accountId];
        return person ? { accountId, claims: () => ({ sub: accountId, email: person.email, email_verified: person.emailVerified }) } : undefined;
      },
    });
    handle = provider.callback();
    return new TestIdentityProvider(server, issuer);
  }

  /**
   * What a person's browser does at the provider: follows the authorization URL, logs in as `accountId`,
   * consents, and is sent back; returns the URL it is sent back to (the client's redirect URI with code, state and iss).
   */
  async signIn(authorizationUrl: string, accountId: string): Promise<URL> {
    const cookies = new Map<string, string>();
    const request = async (url: string, form?: Record<string, string>) => {
      const response = await fetch(url, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = response.headers.get('location');
      return { status: response.status, html: await response.text(), location: location ? new URL(location, url).href : undefined };
    };
    let next = await request(authorizationUrl);
    for (let step = 0; step < 10; step += 1) {
      if (!next.location) throw new Error(`the provider answered ${next.status} without sending the browser anywhere: ${next.html.slice(0, 500)}`);
      if (!next.location.startsWith(`${this.issuer}/`)) return new URL(next.location);
      const page = await request(next.location);
      // An interaction page is a form naming its prompt: the login (any password will do) or the consent.
      const prompt = /name="prompt" value="(\w+)"/.exec(page.html)?.[1];
      if (prompt === 'login') next = await request(next.location, { prompt: 'login', login: accountId, password: 'any' });
      else if (prompt === 'consent') next = await request(next.location, { prompt: 'consent' });
      else next = page;
    }
    throw new Error('the provider did not send the browser back within ten steps');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
