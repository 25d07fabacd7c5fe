import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Grant } from '../access/grant.js';
import type { AccountStore, UserRecord } from '../storage/account-store.js';
import { actorForUser } from './actor-for-user.js';
import { openTestGateway, TEST_NOW, type TestGateway } from '../../test/support/retrieve-instance-test-gateway.js';

const work = mkdtempSync(join(tmpdir(), 'medveil-actor-'));
let gateway: TestGateway;

before(async () => {
  gateway = await openTestGateway(work);
  await gateway.addUser('dr-li', ['radiologist', 'director'], { departments: ['radiology'], directorOf: ['radiology'], careFor: ['MVP-AAAA', 'MVP-BBBB'] });
  await gateway.addUser('gone', ['clinician'], { disabled: true });
  await gateway.accounts.insertUser({ ...(await gateway.accounts.findUser('gone'))!, name: 'deleted', disabled: false, deletedAt: TEST_NOW });
});
after(async () => {
  await gateway.close();
  rmSync(work, { recursive: true, force: true });
});

function grant(id: string, subjectUserId: string): Grant {
  return { id, subjectUserId, scope: { kind: 'studies', studyUids: ['1.2.3'] }, actions: ['export'], effect: 'full', validFrom: 0, validUntil: TEST_NOW * 2 };
}

describe('actorForUser()', () => {
  test('an account becomes an actor with its roles, departments, directed departments and care relationships', async () => {
    const found = await actorForUser(gateway.deps, 'dr-li');
    assert.equal(found.outcome, 'found');
    assert.ok(found.outcome === 'found');
    assert.deepEqual(found.user.actor, {
      userId: 'dr-li',
      roles: ['radiologist', 'director'],
      departments: ['radiology'],
      directorOf: ['radiology'],
      careFor: ['MVP-AAAA', 'MVP-BBBB'],
    });
    assert.deepEqual(found.user.auditActor, { user: 'dr-li', role: 'radiologist,director' });
    assert.deepEqual(found.user.grants, []);
  });

  test('only the grants naming the user reach the decision, whatever the grant source returns', async () => {
    const deps = { ...gateway.deps, grants: async () => [grant('g-own', 'dr-li'), grant('g-other', 'someone-else')] };
    const found = await actorForUser(deps, 'dr-li');
    assert.ok(found.outcome === 'found');
    assert.deepEqual(found.user.grants.map((g) => g.id), ['g-own']);
  });

  const absent: [string, string][] = [
    ['nobody', 'unknown'],
    ['deleted', 'unknown'],
    ['gone', 'disabled'],
  ];
  for (const [name, outcome] of absent) {
    test(`"${name}" gives no actor (${outcome})`, async () => {
      assert.deepEqual(await actorForUser(gateway.deps, name), { outcome });
    });
  }

  test('an account record the access core refuses (an unknown role) gives no actor at all, not a partial one', async () => {
    const user = { ...(await gateway.accounts.findUser('dr-li'))!, roles: ['radiologist', 'clinican'] } as unknown as UserRecord;
    const accounts: Pick<AccountStore, 'findUser' | 'carePatientRefs'> = { findUser: async () => user, carePatientRefs: async () => [] };
    assert.deepEqual(await actorForUser({ accounts, grants: gateway.deps.grants }, 'dr-li'), { outcome: 'malformed' });
  });
});
