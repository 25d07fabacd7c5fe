import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { defaultIdTokenAlgorithms } from '../access/identity/oidc-id-token.js';
import type { OidcAccountLink } from '../access/identity/oidc-account-claim.js';
import { T0, testAccounts } from '../../test/support/testing-account-deps.js';
import { finishOidcLogin } from './login-oidc.js';
import { beginOidcLogin } from './login-oidc-begin.js';
import type { OidcLoginDeps, OidcProviderPort } from './login-oidc-deps.js';

const issuer = 'https://sso.hospital.example/realms/staff';
const clientSecret = 'the client secret of medveil';
const provider = await generateKeyPair('ES256');
const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(provider.publicKey)), kid: 'es1', alg: 'ES256' }] });

/**
 * A provider port that answers every code with the ID token `mint` makes for the sign-in's
 * nonce: the use case's own checks, without a provider on the network.
 */
function fakeProvider(mint: (nonce: string) => Promise<string>, options: { keys?: JWTVerifyGetKey } = {}): OidcProviderPort {
  return {
    issuer,
    clientId: 'medveil',
    idTokenKeys: options.keys ?? ((header, token) => (header.alg.startsWith('HS') ? new TextEncoder().encode(clientSecret) : jwks(header, token))),
    authorizationUrl: async ({ state, nonce }) => ({ outcome: 'url', url: new URL(`${issuer}/auth?state=${state}&nonce=${nonce}`) }),
    redeemCode: async ({ nonce }) => ({ outcome: 'redeemed', idToken: await mint(nonce) }),
  };
}

const claims = (nonce: string, extra: JWTPayload = {}): JWTPayload => ({
  iss: issuer,
  sub: 'a7d3',
  aud: 'medveil',
  iat: Math.floor(T0 / 1000),
  exp: Math.floor(T0 / 1000) + 300,
  nonce,
  preferred_username: 'dr.chen',
  ...extra,
});
const es256 = (payload: JWTPayload) => new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'es1' }).sign(provider.privateKey);

async function signIn(port: OidcProviderPort, options: { link?: OidcAccountLink; setup?: (fixture: Awaited<ReturnType<typeof testAccounts>>) => Promise<void> } = {}) {
  const fixture = await testAccounts();
  await fixture.addUser('dr.chen', ['clinician']);
  await options.setup?.(fixture);
  const deps: OidcLoginDeps = {
    ...fixture.deps,
    oidc: { provider: port, link: options.link ?? { by: 'username', claim: 'preferred_username' }, mfa: { amrValues: [], acrValues: [] }, idTokenAlgorithms: defaultIdTokenAlgorithms },
  };
  const begun = await beginOidcLogin(deps);
  if (begun.outcome !== 'redirect') throw new Error('setup: the sign-in did not begin');
  const state = begun.url.searchParams.get('state')!;
  const result = await finishOidcLogin(deps, { parameters: new URLSearchParams({ code: 'c0de', state }), browserBinding: begun.browserBinding });
  return { result, reason: fixture.events.at(-1)?.detail?.reason, fixture };
}

test('finishOidcLogin() signs in with a token of the provider signed by its published key', async () => {
  const { result } = await signIn(fakeProvider((nonce) => es256(claims(nonce))));
  assert.equal(result.outcome, 'signed-in');
});

test('finishOidcLogin() refuses a token the provider did not sign as configured, and says why in the audit event', async () => {
  const hs256 = (nonce: string) => new SignJWT(claims(nonce)).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(clientSecret));
  const unsecured = async (nonce: string) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims(nonce))).toString('base64url')}.`;
  const cases: [string, (nonce: string) => Promise<string>, string][] = [
    ['HS256 with the client secret', hs256, 'id-token-algorithm-not-allowed'],
    ['alg none', unsecured, 'id-token-algorithm-not-allowed'],
    ['another issuer', (nonce) => es256(claims(nonce, { iss: 'https://evil.example.org' })), 'id-token-wrong-issuer'],
    ['expired', (nonce) => es256(claims(nonce, { exp: Math.floor(T0 / 1000) - 60 })), 'id-token-expired'],
  ];
  for (const [name, mint, reason] of cases) {
    const outcome = await signIn(fakeProvider(mint));
    assert.deepEqual([outcome.result.outcome, outcome.reason], ['refused', reason], name);
  }
});

test('finishOidcLogin() answers oidc-unavailable when the key set cannot be fetched', async () => {
  const unreachable: JWTVerifyGetKey = () => {
    throw new TypeError('fetch failed');
  };
  const { result, reason } = await signIn(fakeProvider((nonce) => es256(claims(nonce)), { keys: unreachable }));
  assert.deepEqual([result.outcome === 'refused' && result.reason, reason], ['oidc-unavailable', 'provider-unavailable']);
});

test('finishOidcLogin() refuses a user name claim that cannot be a login name, and a name whose account is linked to another subject', async () => {
  const badName = await signIn(fakeProvider((nonce) => es256(claims(nonce, { preferred_username: 'dr chen' }))));
  assert.deepEqual([badName.result.outcome === 'refused' && badName.result.reason, badName.reason], ['oidc-no-account', 'claim-not-a-user-name']);
  const reused = await signIn(fakeProvider((nonce) => es256(claims(nonce))), {
    setup: async (fixture) => void (await fixture.accounts.setOidcIdentity('dr.chen', { issuer, subject: 'the-first-dr-chen' }, T0)),
  });
  assert.deepEqual([reused.result.outcome === 'refused' && reused.result.reason, reused.reason], ['oidc-no-account', 'subject-mismatch']);
});
