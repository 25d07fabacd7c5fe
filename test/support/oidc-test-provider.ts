/**
 * A real OpenID provider (the npm `oidc-provider` package, the certified implementation behind
 * many IdPs) on a loopback port, with one confidential client registered for MedVeil. Who
 * signs in, and with which `amr` and `acr`, is set by the test before each sign-in: the
 * provider's login page is replaced by an interaction that logs that person in at once.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface IdpPerson {
  readonly subject: string;
  readonly preferredUsername: string;
  readonly amr?: readonly string[];
  readonly acr?: string;
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUrl: string;
  /** The person the next authorisation request signs in. */
  signInNext(person: IdpPerson): void;
  /** The next authorisation request ends with `error=access_denied`, as when the person cancels. */
  refuseNext(): void;
  /**
   * Follows the provider's redirects from `authorizationUrl`, as a browser would, and returns
   * the URL the provider sends the browser back to (the redirect URL with `code` and `state`).
   */
  authorize(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startTestOidcProvider(options: { redirectUrl: string }): Promise<TestOidcProvider> {
  const people = new Map<string, IdpPerson>();
  let next: IdpPerson | undefined;
  let refuse = false;
  let provider: Provider | undefined;
  const server: Server = createServer((request, response) => {
    if (provider === undefined) return void response.writeHead(503).end();
    if (request.url?.startsWith('/interaction/') === true) return void logInNext(provider, request, response);
    provider.callback()(request, response);
  });
  async function logInNext(idp: Provider, request: Parameters<Provider['interactionDetails']>[0], response: Parameters<Provider['interactionDetails']>[1]) {
    try {
      const details = await idp.interactionDetails(request, response);
      if (refuse) {
        refuse = false;
        return await idp.interactionFinished(request, response, { error: 'access_denied', error_description: 'the person cancelled' }, { mergeWithLastSubmission: false });
      }
      if (details.prompt.name !== 'login' || next === undefined) throw new Error(`test provider: unexpected prompt ${details.prompt.name}`);
      people.set(next.subject, next);
      const login = { accountId: next.subject, ...(next.amr === undefined ? {} : { amr: [...next.amr] }), ...(next.acr === undefined ? {} : { acr: next.acr }) };
      await idp.interactionFinished(request, response, { login }, { mergeWithLastSubmission: false });
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'medveil';
  const clientSecret = randomBytes(24).toString('base64url');
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    // acr and amr in every ID token, as Keycloak puts them with its default mappers.
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], profile: ['preferred_username'] },
    // Profile claims in the ID token itself, as Keycloak's default client scopes put them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    findAccount: async (_ctx: unknown, subject: string) => {
      const person = people.get(subject);
      return person === undefined ? undefined : { accountId: subject, claims: async () => ({ sub: subject, preferred_username: person.preferredUsername }) };
    },
    // The hospital approved MedVeil for everyone: no consent screen.
    loadExistingGrant: async (ctx: { oidc: { client: { clientId: string }; session: { accountId: string } } }) => {
      const grant = new provider!.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  });

  return {
    issuer,
    clientId,
    clientSecret,
    redirectUrl: options.redirectUrl,
    signInNext(person) {
      next = person;
    },
    refuseNext() {
      refuse = true;
    },
    async authorize(authorizationUrl) {
      const cookies = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        if (url.href.startsWith(options.redirectUrl)) return url;
        const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } });
        for (const line of response.headers.getSetCookie()) {
          const [pair = ''] = line.split(';');
          const at = pair.indexOf('=');
          cookies.set(pair.slice(0, at), pair.slice(at + 1));
        }
        const location = response.headers.get('location');
        if (location === null) throw new Error(`test provider answered ${response.status} without a redirect: ${await response.text()}`);
        url = new URL(location, url);
      }
      throw new Error('test provider: too many redirects');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
