import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalUserName } from '../../gateway/user-name.js';
import { accountAcceptsIdentity, oidcAccountLookup } from './oidc-account-claim.js';

const issuer = 'https://idp.example.org/realms/hospital';
const token = (claims: Record<string, unknown>) => ({ issuer, subject: 'f3a9', claims: { iss: issuer, sub: 'f3a9', ...claims } });

test('oidcAccountLookup() names the account by the configured claim, in the canonical form of login names', () => {
  const link = { by: 'username' as const, claim: 'preferred_username' };
  assert.deepEqual(oidcAccountLookup(token({ preferred_username: 'Dr.Chen' }), link, canonicalUserName), { kind: 'user-name', name: 'dr.chen' });
  assert.deepEqual(oidcAccountLookup(token({ upn: 'chen@hospital.example' }), { by: 'username', claim: 'upn' }, canonicalUserName), {
    kind: 'user-name',
    name: 'chen@hospital.example',
  });
  assert.deepEqual(oidcAccountLookup(token({}), link, canonicalUserName), { kind: 'unusable', problem: 'claim-missing' });
  assert.deepEqual(oidcAccountLookup(token({ preferred_username: '' }), link, canonicalUserName), { kind: 'unusable', problem: 'claim-missing' });
  for (const value of ['chen wei', '-chen', ['chen'], 42, 'a'.repeat(80)]) {
    assert.deepEqual(oidcAccountLookup(token({ preferred_username: value }), link, canonicalUserName), { kind: 'unusable', problem: 'claim-not-a-user-name' }, JSON.stringify(value));
  }
});

test('oidcAccountLookup() links by issuer and subject when configured, whatever the other claims say', () => {
  assert.deepEqual(oidcAccountLookup(token({ preferred_username: 'admin' }), { by: 'subject' }, canonicalUserName), {
    kind: 'identity',
    identity: { issuer, subject: 'f3a9' },
  });
});

test('accountAcceptsIdentity() holds an account found by name to the subject an administrator linked at that issuer', () => {
  const identity = { issuer, subject: 'f3a9' };
  assert.equal(accountAcceptsIdentity({}, identity), true);
  assert.equal(accountAcceptsIdentity({ oidc: identity }, identity), true);
  assert.equal(accountAcceptsIdentity({ oidc: { issuer, subject: 'other' } }, identity), false);
  assert.equal(accountAcceptsIdentity({ oidc: { issuer: 'https://old-idp.example.org', subject: 'other' } }, identity), true);
});
