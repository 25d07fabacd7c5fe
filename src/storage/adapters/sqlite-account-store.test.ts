import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshLockoutState, recordLoginAttempt } from '../../access/identity/lockout.js';
import type { UserRecord } from '../account-store.js';
import Database from 'better-sqlite3';
import { FIRST_ACCOUNT_SCHEMA, SqliteAccountStore } from './sqlite-account-store.js';

const t0 = Date.UTC(2025, 0, 1, 8);

function user(name: string, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    name,
    displayName: undefined,
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    roles: ['clinician'],
    departments: ['radiology'],
    directorOf: [],
    totp: undefined,
    pendingTotp: undefined,
    lockout: { ...freshLockoutState },
    disabled: false,
    deletedAt: undefined,
    createdAt: t0,
    createdBy: 'root',
    updatedAt: t0,
    ...extra,
  };
}

const secret = { wrappedKey: Uint8Array.of(1, 2, 3), sealed: Uint8Array.of(4, 5, 6) };

test('a user is stored and read back field for field, including a sealed TOTP secret and its last step', async () => {
  const store = new SqliteAccountStore(':memory:');
  const jane = user('jane', {
    displayName: '张医生',
    roles: ['director', 'clinician'],
    directorOf: ['radiology'],
    totp: { secret, lastAcceptedStep: 12 },
    lockout: { failures: 2, lastFailureAt: t0 - 5, lockedUntil: undefined },
  });
  assert.equal(await store.insertUser(jane), true);
  assert.deepEqual(await store.findUser('jane'), jane);
  assert.deepEqual(await store.listUsers(), [jane]);
  assert.equal(await store.findUser('JANE'), undefined);
});

test('a taken name is refused, and a first admin is inserted only while no user exists', async () => {
  const store = new SqliteAccountStore(':memory:');
  assert.equal(await store.insertUser(user('root'), { onlyIfNoUsers: true }), true);
  assert.equal(await store.insertUser(user('second'), { onlyIfNoUsers: true }), false);
  assert.equal(await store.insertUser(user('root')), false);
  assert.equal(await store.userCount(), 1);
});

test('updateUser changes only the given fields, can clear optional ones, and leaves a deleted user alone', async () => {
  const store = new SqliteAccountStore(':memory:');
  await store.insertUser(user('jane', { displayName: 'Jane', pendingTotp: { secret, expiresAt: t0 + 1 } }));
  assert.equal(await store.updateUser('jane', { roles: ['radiologist'], displayName: undefined, pendingTotp: undefined, totp: { secret, lastAcceptedStep: undefined } }, t0 + 10), true);
  const changed = await store.findUser('jane');
  assert.deepEqual(
    [changed?.roles, changed?.displayName, changed?.pendingTotp, changed?.totp, changed?.departments, changed?.updatedAt],
    [['radiologist'], undefined, undefined, { secret, lastAcceptedStep: undefined }, ['radiology'], t0 + 10],
  );
  assert.equal(await store.updateUser('jane', { deletedAt: t0 + 20, disabled: true }, t0 + 20), true);
  assert.equal(await store.updateUser('jane', { disabled: false }, t0 + 30), false);
  assert.equal(await store.updateUser('nobody', { disabled: true }, t0), false);
});

test('parallel lockout updates each see the state the previous one left: no failure is lost, and the fifth locks', async () => {
  const store = new SqliteAccountStore(':memory:');
  await store.insertUser(user('jane'));
  const attempts = Array.from({ length: 8 }, (_, i) =>
    store.updateLockout('jane', (state) => recordLoginAttempt(state, { now: t0 + i, passwordMatches: false }).state),
  );
  const results = await Promise.all(attempts);
  assert.deepEqual(results.map((r) => r?.after.failures), [1, 2, 3, 4, 5, 5, 5, 5]);
  assert.equal((await store.findUser('jane'))?.lockout.lockedUntil, t0 + 4 + 60_000);
  assert.equal(await store.updateLockout('nobody', () => freshLockoutState), undefined);
});

test('acceptTotpStep takes a step once and only a later one after it', async () => {
  const store = new SqliteAccountStore(':memory:');
  await store.insertUser(user('jane', { totp: { secret, lastAcceptedStep: undefined } }));
  await store.insertUser(user('john'));
  const cases: Array<[string, number, boolean]> = [
    ['jane', 100, true],
    ['jane', 100, false],
    ['jane', 99, false],
    ['jane', 101, true],
    ['john', 100, false],
  ];
  for (const [name, step, accepted] of cases) assert.equal(await store.acceptTotpStep(name, step), accepted, `${name} step ${step}`);
});

test('the bootstrap code is swapped only from the state the caller read, so one redemption wins', async () => {
  const store = new SqliteAccountStore(':memory:');
  const record = { digest: 'ab'.repeat(32), expiresAt: t0 + 900_000, failures: 0 };
  await store.replaceBootstrapCode(record);
  assert.deepEqual(await store.bootstrapCode(), record);
  assert.equal(await store.swapBootstrapCode(record, { ...record, usedAt: t0 }), true);
  assert.equal(await store.swapBootstrapCode(record, { ...record, usedAt: t0 + 1 }), false);
  assert.deepEqual(await store.bootstrapCode(), { ...record, usedAt: t0 });
  const fresh = { digest: 'cd'.repeat(32), expiresAt: t0 + 900_000, failures: 0 };
  await store.replaceBootstrapCode(fresh);
  assert.equal(await store.swapBootstrapCode(fresh, { ...fresh, failures: 1 }), true);
  assert.equal(await store.swapBootstrapCode(fresh, { ...fresh, failures: 1 }), false);
});

test('care relationships, departments, API tokens and revoked sessions round-trip', async () => {
  const store = new SqliteAccountStore(':memory:');
  await store.insertUser(user('jane'));
  assert.equal(await store.insertDepartment({ id: 'radiology', name: '放射科', createdAt: t0 }), true);
  assert.equal(await store.insertDepartment({ id: 'radiology', name: 'again', createdAt: t0 }), false);
  assert.deepEqual(await store.listDepartments(), [{ id: 'radiology', name: '放射科', createdAt: t0 }]);

  const care = { userName: 'jane', patientRef: 'MVP-0001', createdAt: t0, createdBy: 'root' };
  assert.equal(await store.insertCareRelationship(care), true);
  assert.equal(await store.insertCareRelationship(care), false);
  assert.deepEqual(await store.careRelationships('jane'), [care]);
  assert.equal(await store.insertCareRelationship({ ...care, patientRef: 'MVP-0000' }), true);
  assert.deepEqual(await store.carePatientRefs('jane'), ['MVP-0000', 'MVP-0001']);
  assert.equal(await store.deleteCareRelationship('jane', 'MVP-0000'), true);
  assert.equal(await store.deleteCareRelationship('jane', 'MVP-0001'), true);
  assert.deepEqual(await store.carePatientRefs('jane'), []);
  assert.equal(await store.deleteCareRelationship('jane', 'MVP-0001'), false);
  await assert.rejects(store.insertCareRelationship({ ...care, userName: 'nobody' }));

  const token = { id: 'tok1', name: 'pacs', digest: 'ef'.repeat(32), scopes: ['dicomweb:store' as const], createdAt: t0, expiresAt: t0 + 1000, createdBy: 'root' };
  await store.insertApiToken(token);
  assert.deepEqual(await store.findApiTokenByDigest(token.digest), token);
  assert.equal(await store.markApiTokenRevoked('tok1', t0 + 5), true);
  assert.equal(await store.markApiTokenRevoked('tok1', t0 + 6), false);
  assert.deepEqual(await store.findApiToken('tok1'), { ...token, revokedAt: t0 + 5 });
  assert.equal((await store.listApiTokens()).length, 1);

  await store.revokeSession('old', t0 - 1, t0 - 10);
  assert.equal(await store.isSessionRevoked('old'), true);
  await store.revokeSession('new', t0 + 900_000, t0);
  assert.equal(await store.isSessionRevoked('old'), false, 'an entry past its expiry is dropped');
  assert.equal(await store.isSessionRevoked('new'), true);
});

test('a new account database file is readable by its owner only', { skip: process.platform === 'win32' ? 'mode bits do not describe access on Windows' : false }, async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'medveil-accounts-')), 'accounts.sqlite');
  const store = new SqliteAccountStore(path);
  await store.close();
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('an account database of the first release is migrated on open and keeps its users, which can then be linked to an OIDC identity', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'medveil-accounts-')), 'accounts.sqlite');
  const old = new Database(path);
  old.exec(FIRST_ACCOUNT_SCHEMA);
  old
    .prepare(
      `INSERT INTO users (name, password_hash, roles, departments, director_of, created_at, created_by, updated_at)
       VALUES ('jane', 'hash', '["clinician"]', '["radiology"]', '[]', ?, 'root', ?)`,
    )
    .run(t0, t0);
  old.close();

  const store = new SqliteAccountStore(path);
  const jane = await store.findUser('jane');
  assert.equal(jane?.passwordHash, 'hash');
  assert.equal(jane?.oidc, undefined);
  const identity = { issuer: 'https://idp.example.org/realms/hospital', subject: '6f1c2a' };
  assert.equal(await store.setOidcIdentity('jane', identity, t0 + 1), 'set');
  await store.close();

  const reopened = new SqliteAccountStore(path);
  assert.deepEqual((await reopened.findUserByOidcIdentity(identity))?.oidc, identity, 'the migration runs once; the link survives a reopen');
  await reopened.close();
  const raw = new Database(path);
  assert.equal(raw.pragma('user_version', { simple: true }), 2);
  raw.close();
});

test('an OIDC identity is linked to one live account at a time; deleting the account frees it', async () => {
  const store = new SqliteAccountStore(':memory:');
  await store.insertUser(user('jane'));
  await store.insertUser(user('li'));
  const identity = { issuer: 'https://idp.example.org', subject: 'sub-1' };
  assert.equal(await store.setOidcIdentity('jane', identity, t0), 'set');
  assert.equal(await store.setOidcIdentity('jane', identity, t0), 'set', 'linking the same identity again is not a conflict');
  assert.equal(await store.setOidcIdentity('li', identity, t0), 'taken');
  assert.equal(await store.setOidcIdentity('nobody', { ...identity, subject: 'sub-2' }, t0), 'unknown-user');
  assert.equal((await store.findUserByOidcIdentity({ ...identity, issuer: 'https://other.example.org' })), undefined, 'the issuer is part of the identity');
  assert.equal((await store.findUserByOidcIdentity(identity))?.name, 'jane');

  await store.updateUser('jane', { deletedAt: t0 + 5, disabled: true }, t0 + 5);
  assert.equal(await store.findUserByOidcIdentity(identity), undefined);
  assert.equal(await store.setOidcIdentity('li', identity, t0 + 6), 'set');
  assert.equal((await store.findUserByOidcIdentity(identity))?.name, 'li');
  assert.equal(await store.setOidcIdentity('li', undefined, t0 + 7), 'set');
  assert.equal(await store.findUserByOidcIdentity(identity), undefined);
});

test('OIDC sign-in states and MFA tickets are taken once, and never after they expire', async () => {
  const store = new SqliteAccountStore(':memory:');
  await store.insertUser(user('jane'));
  const state = { stateDigest: 'd1', browserDigest: 'b1', nonce: 'n1', codeVerifier: 'v1', expiresAt: t0 + 600_000 };
  await store.insertOidcLoginState(state, t0);
  assert.deepEqual(await store.takeOidcLoginState('d1', t0 + 1), state);
  assert.equal(await store.takeOidcLoginState('d1', t0 + 2), undefined, 'a state is used once');
  await store.insertOidcLoginState({ ...state, stateDigest: 'd2' }, t0);
  assert.equal(await store.takeOidcLoginState('d2', state.expiresAt), undefined, 'an expired state is refused');

  const ticket = { digest: 't1', userName: 'jane', providerMethods: 'amr=pwd', expiresAt: t0 + 300_000 };
  await store.insertOidcMfaTicket(ticket, t0);
  assert.deepEqual(await store.takeOidcMfaTicket('t1', t0 + 1), ticket);
  assert.equal(await store.takeOidcMfaTicket('t1', t0 + 2), undefined);
  await store.insertOidcMfaTicket({ ...ticket, digest: 't2' }, t0);
  assert.equal(await store.takeOidcMfaTicket('t2', ticket.expiresAt + 1), undefined);
});

test('a database of the first release gains password-change and token-owner columns: old users need no change, old tokens act for nobody', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'medveil-accounts-')), 'accounts.sqlite');
  const old = new Database(path);
  old.exec(FIRST_ACCOUNT_SCHEMA);
  old.prepare(`INSERT INTO users (name, password_hash, roles, departments, director_of, created_at, created_by, updated_at) VALUES ('jane', 'hash', '["technician"]', '[]', '[]', ?, 'root', ?)`).run(t0, t0);
  old.prepare(`INSERT INTO api_tokens (id, name, digest, scopes, created_at, expires_at, created_by) VALUES ('tok', 'pacs', 'digest', '["dicomweb:store"]', ?, ?, 'root')`).run(t0, t0 + 1000);
  old.close();

  const store = new SqliteAccountStore(path);
  const jane = await store.findUser('jane');
  assert.deepEqual([jane?.passwordChangeRequired ?? false, jane?.sessionsNotBefore], [false, undefined]);
  assert.equal((await store.findApiToken('tok'))?.owner, undefined);
  assert.equal(await store.updateUser('jane', { passwordChangeRequired: true, sessionsNotBefore: t0 + 5000 }, t0 + 1), true);
  assert.deepEqual([(await store.findUser('jane'))?.passwordChangeRequired, (await store.findUser('jane'))?.sessionsNotBefore], [true, t0 + 5000]);
  await store.insertApiToken({ id: 'tok2', name: 'pacs', digest: 'digest2', scopes: ['dicomweb:store'], createdAt: t0, expiresAt: t0 + 1000, createdBy: 'jane', owner: 'jane' });
  assert.equal((await store.findApiToken('tok2'))?.owner, 'jane');
  await store.close();
});
