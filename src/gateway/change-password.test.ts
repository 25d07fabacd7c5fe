import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from '../access/identity/session-token.js';
import { changePassword, sessionsNotBeforeAfter } from './change-password.js';
import { login } from './login.js';
import { updateUser } from './update-user.js';
import { T0, testAccounts } from '../../test/support/testing-account-deps.js';

const password = 'quietly drawn ferns on the stair';
const next = 'seven herons over a grey canal';

async function signedIn(fixture: Awaited<ReturnType<typeof testAccounts>>, name: string, totp?: string): Promise<Session> {
  const result = await login(fixture.deps, { userName: name, password, ...(totp === undefined ? {} : { totp }) });
  if (result.outcome !== 'signed-in') throw new Error(`setup: ${name} could not sign in`);
  return result.session;
}

test('sessionsNotBeforeAfter() is the next whole second, so a session issued in the same second is void', () => {
  assert.equal(sessionsNotBeforeAfter(T0), T0 + 1000);
  assert.equal(sessionsNotBeforeAfter(T0 + 999), T0 + 1000);
});

test('a clinician changes their password: the old one stops working, older sessions are void, the event names both sessions', async () => {
  const fixture = await testAccounts();
  const { deps, accounts, events, addUser } = fixture;
  const { user } = await addUser('jane', ['clinician']);
  const session = await signedIn(fixture, 'jane');
  events.length = 0;
  const result = await changePassword(deps, { user, session, currentPassword: password, newPassword: next });
  assert.equal(result.outcome, 'changed');
  if (result.outcome !== 'changed') return;
  assert.deepEqual(result.session.methods, ['pwd']);
  const stored = (await accounts.findUser('jane'))!;
  assert.equal(stored.sessionsNotBefore, T0 + 1000);
  assert.ok(session.issuedAt < stored.sessionsNotBefore!, 'the session of the request is void');
  assert.ok(result.session.issuedAt >= stored.sessionsNotBefore!, 'the answered session is not');
  assert.equal(await accounts.isSessionRevoked(session.tokenId), true);
  assert.deepEqual(events, [
    { type: 'key-change', outcome: 'success', actor: { user: 'jane', role: 'clinician' }, detail: { action: 'password-changed', target: 'jane', session: result.session.tokenId, endedSession: session.tokenId } },
  ]);
  assert.equal((await login(deps, { userName: 'jane', password })).outcome, 'refused');
  assert.equal((await login(deps, { userName: 'jane', password: next })).outcome, 'signed-in');
});

test('a wrong current password counts towards the lockout as at sign-in; while locked even the right one is refused', async () => {
  const fixture = await testAccounts();
  const { deps, events, addUser } = fixture;
  const { user } = await addUser('jane', ['clinician']);
  const session = await signedIn(fixture, 'jane');
  for (let attempt = 1; attempt <= 5; attempt++) {
    const result = await changePassword(deps, { user, session, currentPassword: 'a guess that is wrong', newPassword: next });
    assert.equal(result.outcome === 'refused' && result.reason, 'wrong-password', `attempt ${attempt}`);
  }
  events.length = 0;
  const locked = await changePassword(deps, { user, session, currentPassword: password, newPassword: next });
  assert.equal(locked.outcome === 'refused' && locked.reason, 'account-locked');
  assert.deepEqual(events.map((e) => [e.type, e.detail?.action, e.detail?.reason]), [['login-failed', 'change-password', 'account-locked']]);
  assert.equal((await login(deps, { userName: 'jane', password })).outcome === 'refused', true, 'the lock holds for sign-in too');
});

test('with TOTP enrolled the code is required, a wrong or replayed one refused; a used code then fails at sign-in', async () => {
  const fixture = await testAccounts();
  const { deps, addUser, code, wrongCode, setNow } = fixture;
  const { user, totpSecret } = await addUser('dora', ['dso'], { totp: true });
  const session = await signedIn(fixture, 'dora', await code(totpSecret!));
  const input = { user, session, currentPassword: password, newPassword: next };
  const refused = async (totp: string | undefined) => {
    const result = await changePassword(deps, { ...input, ...(totp === undefined ? {} : { totp }), user: (await fixture.accounts.findUser('dora'))! });
    return result.outcome === 'refused' && result.reason;
  };
  assert.equal(await refused(undefined), 'totp-required');
  assert.equal(await refused(await wrongCode(totpSecret!)), 'totp-invalid');
  assert.equal(await refused(await code(totpSecret!)), 'totp-invalid', 'the sign-in used this step already');
  setNow(T0 + 30_000);
  const result = await changePassword(deps, { ...input, user: (await fixture.accounts.findUser('dora'))!, totp: await code(totpSecret!) });
  assert.equal(result.outcome === 'changed' && result.session.methods.join(','), 'pwd,otp');
});

test('the new password meets the policy and is not the current one; such a refusal is not counted', async () => {
  const fixture = await testAccounts();
  const { deps, accounts, addUser } = fixture;
  const { user } = await addUser('jane.doe', ['clinician']);
  const session = await signedIn(fixture, 'jane.doe');
  const cases: Array<[string, string]> = [
    ['Password123!', 'common-password'],
    ['jane.doe walks the ward', 'contains-user-name'],
    ['tiny', 'too-short'],
    [password, 'same-as-current'],
    [password.normalize('NFD').replace('q', 'ｑ'), 'same-as-current'],
  ];
  for (const [newPassword, problem] of cases) {
    const result = await changePassword(deps, { user, session, currentPassword: password, newPassword });
    assert.ok(result.outcome === 'refused' && result.reason === 'weak-password' && result.problems?.includes(problem), `${newPassword}: ${problem}`);
  }
  assert.equal((await accounts.findUser('jane.doe'))!.lockout.failures, 0);
});

test('an administrator reset marks the password for one sign-in, voids the sessions and lifts a lock; a change clears the mark', async () => {
  const fixture = await testAccounts();
  const { deps, accounts, addUser, setNow } = fixture;
  const { user: ada } = await addUser('ada', ['admin']);
  await addUser('jane', ['clinician']);
  await signedIn(fixture, 'jane');
  for (let attempt = 0; attempt < 5; attempt++) await login(deps, { userName: 'jane', password: 'a wrong guess here' });
  const reset = await updateUser(deps, { by: ada, userName: 'jane', change: { password: next } });
  assert.equal(reset.outcome, 'updated');
  const jane = (await accounts.findUser('jane'))!;
  assert.deepEqual([jane.passwordChangeRequired, jane.sessionsNotBefore, jane.lockout.failures], [true, T0 + 1000, 0]);

  setNow(T0 + 60_000);
  const again = await login(deps, { userName: 'jane', password: next });
  if (again.outcome !== 'signed-in') throw new Error('the reset password does not sign in');
  const session = again.session;
  const changed = await changePassword(deps, { user: (await accounts.findUser('jane'))!, session, currentPassword: next, newPassword: 'a lantern in the orchard at dusk' });
  assert.equal(changed.outcome, 'changed');
  assert.equal((await accounts.findUser('jane'))!.passwordChangeRequired ?? false, false);
});
