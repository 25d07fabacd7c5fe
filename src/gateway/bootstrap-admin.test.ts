import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBootstrapCode } from '../access/identity/bootstrap-code.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { T0, testAccounts } from '../../test/support/testing-account-deps.js';

const password = 'quietly drawn ferns on the stair';

async function withCode() {
  const fixture = await testAccounts();
  const { code, record } = createBootstrapCode({ now: T0 });
  await fixture.accounts.replaceBootstrapCode(record);
  return { ...fixture, code };
}

test('bootstrapAdmin() creates one admin with the printed code, spends it, and records a policy-change', async () => {
  const { deps, accounts, events, code } = await withCode();
  const result = await bootstrapAdmin(deps, { code: code.toLowerCase().replace(/-/g, ' '), userName: 'Root.Admin', password });
  assert.equal(result.outcome, 'created');
  const admin = await accounts.findUser('root.admin');
  assert.deepEqual([admin?.roles, admin?.createdBy, admin?.totp], [['admin'], 'bootstrap-code', undefined]);
  assert.match(admin!.passwordHash, /^\$argon2id\$/);
  assert.equal((await accounts.bootstrapCode())?.usedAt, T0);
  assert.deepEqual(events, [{ type: 'policy-change', outcome: 'success', actor: { user: 'root.admin', role: 'admin' }, detail: { action: 'create-first-admin', target: 'root.admin', roles: 'admin' } }]);
  const again = await bootstrapAdmin(deps, { code, userName: 'second', password });
  assert.equal(again.outcome === 'refused' && again.reason, 'already-bootstrapped');
});

test('bootstrapAdmin() refuses each bad attempt with its reason, and spends the code only on success', async () => {
  const cases: Array<[string, (code: string) => { code: unknown; userName: unknown; password: unknown }, string, boolean]> = [
    ['a wrong code', () => ({ code: '0000-0000-0000-0000', userName: 'chief', password }), 'bootstrap-code-wrong', false],
    ['a malformed code', () => ({ code: 'hello', userName: 'chief', password }), 'bootstrap-code-malformed', false],
    ['a common password', (code) => ({ code, userName: 'chief', password: 'Password123!' }), 'weak-password', false],
    ['a password holding the user name', (code) => ({ code, userName: 'radiology.chief', password: 'radiology.chief and more' }), 'weak-password', false],
    ['a reserved user name', (code) => ({ code, userName: 'anonymous', password }), 'invalid-user-name', false],
    ['a user name with spaces', (code) => ({ code, userName: 'root admin', password }), 'invalid-user-name', false],
  ];
  for (const [label, input, reason] of cases) {
    const { deps, accounts, code } = await withCode();
    const result = await bootstrapAdmin(deps, input(code));
    assert.equal(result.outcome === 'refused' && result.reason, reason, label);
    assert.equal(await accounts.userCount(), 0, label);
    assert.equal((await accounts.bootstrapCode())?.usedAt, undefined, `${label}: the code is not spent`);
    assert.equal((await bootstrapAdmin(deps, { code, userName: 'chief', password })).outcome, 'created', `${label}: the right code still works`);
  }
});

test('five wrong codes void the code, and an expired code is refused', async () => {
  const { deps, code, setNow } = await withCode();
  for (let i = 0; i < 5; i++) await bootstrapAdmin(deps, { code: '0000-0000-0000-0000', userName: 'chief', password });
  const exhausted = await bootstrapAdmin(deps, { code, userName: 'chief', password });
  assert.equal(exhausted.outcome === 'refused' && exhausted.reason, 'bootstrap-code-exhausted');

  const late = await withCode();
  late.setNow(T0 + 15 * 60_000);
  const expired = await bootstrapAdmin(late.deps, { code: late.code, userName: 'chief', password });
  assert.equal(expired.outcome === 'refused' && expired.reason, 'bootstrap-code-expired');
  setNow(T0);
});

test('two requests racing with the right code create exactly one administrator', async () => {
  const { deps, accounts, code } = await withCode();
  const results = await Promise.all([
    bootstrapAdmin(deps, { code, userName: 'first', password }),
    bootstrapAdmin(deps, { code, userName: 'second', password }),
  ]);
  assert.deepEqual(results.map((r) => r.outcome).sort(), ['created', 'refused']);
  assert.equal(await accounts.userCount(), 1);
});

test('when the audit append fails, bootstrapAdmin() fails and creates no account', async () => {
  const { deps, accounts, code, breakAudit } = await withCode();
  breakAudit(true);
  await assert.rejects(bootstrapAdmin(deps, { code, userName: 'chief', password }), /audit append failed/);
  assert.equal(await accounts.userCount(), 0);
});
