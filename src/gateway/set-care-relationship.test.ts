import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiToken } from './create-api-token.js';
import { logout } from './logout.js';
import { revokeApiToken } from './revoke-api-token.js';
import { setCareRelationship } from './set-care-relationship.js';
import { T0, testAccounts } from '../../test/support/testing-account-deps.js';

test('care relationships: an administrator adds and removes them for a clinician, audited with the patient reference', async () => {
  const { deps, accounts, addUser, events } = await testAccounts();
  const { user: ada } = await addUser('ada', ['admin']);
  await addUser('li', ['clinician']);
  const added = await setCareRelationship(deps, { by: ada, userName: 'li', patientRef: 'MVP-7Q2K', present: true });
  assert.equal(added.outcome, 'added');
  assert.deepEqual((await accounts.careRelationships('li')).map((c) => c.patientRef), ['MVP-7Q2K']);
  assert.deepEqual(events.at(-1), { type: 'policy-change', outcome: 'success', actor: { user: 'ada', role: 'admin' }, objects: [{ patient: 'MVP-7Q2K' }], detail: { action: 'add-care-relationship', target: 'li' } });
  assert.equal((await setCareRelationship(deps, { by: ada, userName: 'li', patientRef: 'MVP-7Q2K', present: false })).outcome, 'removed');
  assert.deepEqual(await accounts.careRelationships('li'), []);
});

test('setCareRelationship() refuses each bad request with its reason', async () => {
  const { deps, addUser } = await testAccounts();
  const { user: ada } = await addUser('ada', ['admin', 'clinician']);
  const { user: li } = await addUser('li', ['clinician']);
  await addUser('rex', ['researcher']);
  const cases: Array<[string, Parameters<typeof setCareRelationship>[1], string]> = [
    ['an administrator for themselves', { by: ada, userName: 'ada', patientRef: 'MVP-7Q2K', present: true }, 'self-change'],
    ['a clinician is not an administrator', { by: li, userName: 'li', patientRef: 'MVP-7Q2K', present: true }, 'not-admin'],
    ['a researcher has no use for care', { by: ada, userName: 'rex', patientRef: 'MVP-7Q2K', present: true }, 'not-a-care-role'],
    ['a name instead of a reference', { by: ada, userName: 'li', patientRef: 'Doe^Jane', present: true }, 'invalid-patient-ref'],
    ['an unknown user', { by: ada, userName: 'nobody', patientRef: 'MVP-7Q2K', present: true }, 'unknown-user'],
    ['removing what is not there', { by: ada, userName: 'li', patientRef: 'MVP-7Q2K', present: false }, 'unknown-care-relationship'],
  ];
  for (const [label, input, reason] of cases) {
    const result = await setCareRelationship(deps, input);
    assert.equal(result.outcome === 'refused' && result.reason, reason, label);
  }
});

test('API tokens: created by their owner with service scopes only, shown once, revoked once', async () => {
  const { deps, accounts, addUser, events } = await testAccounts();
  const { user: tec } = await addUser('tec', ['technician']);
  const day = 24 * 3_600_000;
  const refused: Array<[string, unknown, unknown]> = [
    ['an admin scope', ['admin'], T0 + day],
    ['no scope', [], T0 + day],
    ['no expiry', ['dicomweb:read'], undefined],
    ['an expiry beyond a year', ['dicomweb:read'], T0 + 400 * day],
  ];
  for (const [label, scopes, expiresAt] of refused) {
    const result = await createApiToken(deps, { by: tec, name: 'pacs', scopes, expiresAt });
    assert.equal(result.outcome === 'refused' && result.reason, 'invalid-token-request', label);
  }
  const created = await createApiToken(deps, { by: tec, name: 'PACS forwarder', scopes: ['dicomweb:store'], expiresAt: T0 + 30 * day });
  assert.equal(created.outcome, 'created');
  if (created.outcome !== 'created') return;
  assert.match(created.token, /^mv_/);
  assert.equal(JSON.stringify(events).includes(created.token), false, 'the token is not in the audit trail');
  assert.deepEqual([(await accounts.findApiToken(created.record.id))?.createdBy, (await accounts.findApiToken(created.record.id))?.owner], ['tec', 'tec']);
  assert.equal((await revokeApiToken(deps, { by: tec, tokenId: created.record.id })).outcome, 'revoked');
  const twice = await revokeApiToken(deps, { by: tec, tokenId: created.record.id });
  assert.equal(twice.outcome === 'refused' && twice.reason, 'already-revoked');
});

test('logout() puts the session on the revocation list and records a logout event', async () => {
  const { deps, accounts, addUser, events } = await testAccounts();
  const { user } = await addUser('li', ['clinician']);
  const session = { userId: 'li', methods: ['pwd' as const], tokenId: 'jti-1', issuedAt: T0, expiresAt: T0 + 900_000 };
  await logout(deps, { user, session });
  assert.equal(await accounts.isSessionRevoked('jti-1'), true);
  assert.deepEqual(events.at(-1), { type: 'logout', outcome: 'success', actor: { user: 'li', role: 'clinician' }, detail: { session: 'jti-1' } });
});
