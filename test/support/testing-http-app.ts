/**
 * The HTTP app over the account test fixture (testing-account-deps.ts), with its log
 * lines captured: for the tests of src/server only.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { TEST_PASSWORD_HASHING, testAccounts, type TestAccounts } from './testing-account-deps.js';
import { buildHttpApp } from '../../src/server/http-app.js';
import type { OidcRouteDeps } from '../../src/server/routes/oidc-routes.js';

export const VIEWER_ORIGIN = 'https://viewer.example.org';
export const PASSWORD = 'quietly drawn ferns on the stair';

export interface TestHttpApp extends TestAccounts {
  app: FastifyInstance;
  /** Every log line the app wrote. */
  logLines: string[];
  /** Signs `name` in through the API and returns the bearer header value. */
  signIn(name: string, options?: { password?: string; totp?: string }): Promise<string>;
  /** Adds a user with an enrolled factor and signs them in with both factors. */
  signedInWithMfa(name: string, roles: Parameters<TestAccounts['addUser']>[1]): Promise<{ authorization: string; totpSecret: string }>;
}

/**
 * `fixture` when the test must set the accounts up (or the clock) before the app is built;
 * `oidc` to register the OIDC sign-in routes; `consoleDir` to serve a console build from there.
 */
export async function testHttpApp(options: { fixture?: TestAccounts; oidc?: OidcRouteDeps; consoleDir?: string } = {}): Promise<TestHttpApp> {
  const fixture = options.fixture ?? (await testAccounts());
  const logLines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  const { deps } = fixture;
  const app = buildHttpApp({
    accounts: fixture.accounts,
    audit: deps.audit,
    clock: deps.clock,
    sessions: { ...deps.sessions, verificationKeys: { publicKey: (kid) => (kid === deps.sessions.key.kid ? fixture.publicKey : undefined) } },
    secrets: deps.secrets,
    corsOrigins: [VIEWER_ORIGIN],
    log: { level: 'info', stream },
    passwordHashing: TEST_PASSWORD_HASHING,
    ...(options.oidc === undefined ? {} : { oidc: options.oidc }),
    ...(options.consoleDir === undefined ? {} : { consoleDir: options.consoleDir }),
  });
  async function signIn(name: string, options: { password?: string; totp?: string } = {}): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: name, password: options.password ?? PASSWORD, ...(options.totp === undefined ? {} : { totp: options.totp }) } });
    if (response.statusCode !== 200) throw new Error(`setup: ${name} could not sign in: ${response.body}`);
    return `Bearer ${response.json<{ token: string }>().token}`;
  }
  return {
    ...fixture,
    app,
    logLines,
    signIn,
    async signedInWithMfa(name, roles) {
      const { totpSecret } = await fixture.addUser(name, roles, { totp: true });
      return { authorization: await signIn(name, { totp: await fixture.code(totpSecret!) }), totpSecret: totpSecret! };
    },
  };
}
