import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../access/role.js';
import { createApiToken } from './create-api-token.js';
import { revokeApiToken } from './revoke-api-token.js';
import { T0, testAccounts } from '../../test/support/testing-account-deps.js';

const request = { name: 'PACS forwarder', scopes: ['dicomweb:store'], expiresAt: T0 + 86_400_000 };

test('createApiToken() makes the signed-in person the owner; the event names the owner, never the token', async () => {
  const { deps, accounts, addUser, events } = await testAccounts();
  const { user: tec } = await addUser('tec', ['technician'], { departments: ['radiology'] });
  const created = await createApiToken(deps, { by: tec, ...request });
  assert.equal(created.outcome, 'created');
  if (created.outcome !== 'created') return;
  assert.deepEqual([created.record.owner, (await accounts.findApiToken(created.record.id))?.owner], ['tec', 'tec']);
  assert.deepEqual(events.map((e) => [e.type, e.actor.user, e.detail?.action, e.detail?.owner]), [['key-change', 'tec', 'create-api-token', 'tec']]);
  assert.equal(JSON.stringify(events).includes(created.token), false);
});

test('createApiToken() refuses every account whose roles need a second factor, whatever else it holds', async () => {
  const { deps, accounts, addUser, events } = await testAccounts();
  const cases: Role[][] = [['admin'], ['dso'], ['director'], ['technician', 'dso'], ['admin', 'radiologist']];
  for (const roles of cases) {
    const { user } = await addUser(roles.join('-'), roles, { totp: true, ...(roles.includes('director') ? { directorOf: ['radiology'] } : {}) });
    const result = await createApiToken(deps, { by: user, ...request });
    assert.equal(result.outcome === 'refused' && result.reason, 'mfa-role-token', roles.join(','));
  }
  assert.deepEqual(await accounts.listApiTokens(), []);
  assert.deepEqual(events, []);
});

test("revokeApiToken(): the owner and any administrator revoke; to anyone else another person's token is unknown", async () => {
  const { deps, addUser } = await testAccounts();
  const { user: tec } = await addUser('tec', ['technician']);
  const { user: li } = await addUser('li', ['clinician']);
  const { user: ada } = await addUser('ada', ['admin']);
  const first = await createApiToken(deps, { by: tec, ...request });
  const second = await createApiToken(deps, { by: tec, ...request });
  if (first.outcome !== 'created' || second.outcome !== 'created') throw new Error('setup: no tokens');
  const other = await revokeApiToken(deps, { by: li, tokenId: first.record.id });
  const missing = await revokeApiToken(deps, { by: li, tokenId: 'no-such-token' });
  assert.deepEqual([other.outcome === 'refused' && other.reason, missing.outcome === 'refused' && missing.reason], ['unknown-token', 'unknown-token']);
  assert.equal((await revokeApiToken(deps, { by: tec, tokenId: first.record.id })).outcome, 'revoked');
  assert.equal((await revokeApiToken(deps, { by: ada, tokenId: second.record.id })).outcome, 'revoked');
});
