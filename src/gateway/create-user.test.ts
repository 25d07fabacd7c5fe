import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDepartment } from './create-department.js';
import { createUser, type CreateUserInput } from './create-user.js';
import { deleteUser, updateUser } from './update-user.js';
import { testAccounts } from '../../test/support/testing-account-deps.js';

const password = 'quietly drawn ferns on the stair';

async function withAdmin() {
  const fixture = await testAccounts();
  const { user: ada } = await fixture.addUser('ada', ['admin']);
  const { user: dora } = await fixture.addUser('dora', ['dso']);
  assert.equal((await createDepartment(fixture.deps, { by: ada, id: 'radiology', name: '放射科' })).outcome, 'created');
  return { ...fixture, ada, dora };
}

test('an administrator creates a clinician; the event names the new account and its roles, never the password', async () => {
  const { deps, accounts, ada, events } = await withAdmin();
  const result = await createUser(deps, { by: ada, userName: 'Dr.Li', password, displayName: '李医生', roles: ['clinician'], departments: ['radiology'] });
  assert.equal(result.outcome, 'created');
  const li = await accounts.findUser('dr.li');
  assert.deepEqual([li?.roles, li?.departments, li?.displayName, li?.createdBy], [['clinician'], ['radiology'], '李医生', 'ada']);
  const event = events.at(-1)!;
  assert.deepEqual(event.detail, { action: 'create-user', target: 'dr.li', roles: 'clinician', departments: 'radiology' });
  assert.equal(JSON.stringify(events).includes(password), false);
});

test('createUser() refuses each bad request with its reason and creates nothing', async () => {
  const { deps, accounts, ada, dora, addUser } = await withAdmin();
  await addUser('taken', ['clinician']);
  const base: Omit<CreateUserInput, 'by'> = { userName: 'newbie', password, roles: ['clinician'], departments: ['radiology'] };
  const cases: Array<[string, Partial<CreateUserInput>, string, string[]?]> = [
    ['a DSO is not an administrator', { by: dora }, 'not-admin'],
    ['a common password', { password: 'Password123!' }, 'weak-password', ['common-password']],
    ['a short password', { password: 'k3Zq!v9w' }, 'weak-password', ['too-short']],
    ['a password holding the name', { password: 'newbie likes long walks' }, 'weak-password', ['contains-user-name']],
    ['a keyboard run', { password: 'qwertyuiop123' }, 'weak-password'],
    ['a taken name', { userName: 'TAKEN' }, 'name-taken'],
    ['an unknown role', { roles: ['clinican'] }, 'invalid-roles'],
    ['no role', { roles: [] }, 'invalid-roles'],
    ['a director who directs nothing', { roles: ['director'] }, 'invalid-roles'],
    ['an unknown department', { departments: ['cardiology'] }, 'unknown-department'],
    ['a bad name', { userName: 'new user' }, 'invalid-user-name'],
  ];
  for (const [label, change, reason, problems] of cases) {
    const result = await createUser(deps, { by: ada, ...base, ...change });
    assert.equal(result.outcome === 'refused' && result.reason, reason, label);
    if (problems !== undefined) assert.deepEqual(result.outcome === 'refused' && result.problems, problems, label);
  }
  assert.equal(await accounts.findUser('newbie'), undefined);
});

test('an administrator never changes their own roles, departments, password or status, nor deletes themselves', async () => {
  const { deps, ada } = await withAdmin();
  const changes = [{ roles: ['admin', 'clinician'] }, { departments: ['radiology'] }, { disabled: true }, { password: 'another long passphrase here' }];
  for (const change of changes) {
    const result = await updateUser(deps, { by: ada, userName: 'ada', change });
    assert.equal(result.outcome === 'refused' && result.reason, 'self-change', JSON.stringify(change));
  }
  assert.equal((await updateUser(deps, { by: ada, userName: 'ada', change: { displayName: 'Ada L.' } })).outcome, 'updated');
  const self = await deleteUser(deps, { by: ada, userName: 'ada' });
  assert.equal(self.outcome === 'refused' && self.reason, 'self-change');
});

test('an administrator changes another account, and a deleted account keeps its name from reuse', async () => {
  const { deps, accounts, ada, events } = await withAdmin();
  await createUser(deps, { by: ada, userName: 'li', password, roles: ['clinician'], departments: ['radiology'] });
  const updated = await updateUser(deps, { by: ada, userName: 'li', change: { roles: ['radiologist'], disabled: true } });
  assert.deepEqual(updated.outcome === 'updated' && [updated.user.roles, updated.user.disabled], [['radiologist'], true]);
  assert.deepEqual(events.at(-1)?.detail, { action: 'update-user', target: 'li', changed: 'roles,disabled', roles: 'radiologist', disabled: 'true' });
  assert.equal((await deleteUser(deps, { by: ada, userName: 'li' })).outcome, 'deleted');
  assert.notEqual((await accounts.findUser('li'))?.deletedAt, undefined);
  const reuse = await createUser(deps, { by: ada, userName: 'li', password, roles: ['clinician'] });
  assert.equal(reuse.outcome === 'refused' && reuse.reason, 'name-taken');
  const gone = await updateUser(deps, { by: ada, userName: 'li', change: { disabled: false } });
  assert.equal(gone.outcome === 'refused' && gone.reason, 'unknown-user');
});

test('when the audit append fails, createUser() fails and creates no account', async () => {
  const { deps, accounts, ada, breakAudit } = await withAdmin();
  breakAudit(true);
  await assert.rejects(createUser(deps, { by: ada, userName: 'li', password, roles: ['clinician'] }), /audit append failed/);
  assert.equal(await accounts.findUser('li'), undefined);
});
