import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifySessionToken } from '../access/identity/session-token.js';
import { login } from './login.js';
import { T0, testAccounts } from '../../test/support/testing-account-deps.js';

const password = 'quietly drawn ferns on the stair';

test('a clinician signs in with a password alone; the session says pwd and the event says login', async () => {
  const { deps, events, addUser, publicKey } = await testAccounts();
  await addUser('jane', ['clinician']);
  const result = await login(deps, { userName: 'JANE', password });
  assert.equal(result.outcome, 'signed-in');
  if (result.outcome !== 'signed-in') return;
  assert.deepEqual(result.session.methods, ['pwd']);
  assert.equal(result.mfaEnrolmentRequired, false);
  const verified = await verifySessionToken(result.token, {
    keys: { publicKey: (kid) => (kid === deps.sessions.key.kid ? publicKey : undefined) },
    issuer: deps.sessions.issuer,
    now: T0,
    revocations: { isRevoked: () => false },
  });
  assert.equal(verified.outcome, 'valid');
  assert.deepEqual(events, [{ type: 'login', outcome: 'success', actor: { user: 'jane', role: 'clinician' }, detail: { methods: 'pwd', session: result.session.tokenId } }]);
});

test('login() refuses each bad attempt with its reason and records login-failed with the cause', async () => {
  const fixture = await testAccounts();
  const { deps, events, addUser, accounts, code, wrongCode } = fixture;
  await addUser('jane', ['clinician']);
  const { totpSecret } = await addUser('dora', ['dso'], { totp: true });
  await addUser('gone', ['clinician']);
  await accounts.updateUser('gone', { disabled: true }, T0);
  const cases: Array<[string, () => Promise<{ userName: unknown; password: unknown; totp?: unknown }>, string, string]> = [
    ['wrong password', async () => ({ userName: 'jane', password: 'not the password at all' }), 'invalid-credentials', 'wrong-password'],
    ['unknown user', async () => ({ userName: 'nobody', password }), 'invalid-credentials', 'unknown-user'],
    ['not a user name at all', async () => ({ userName: { $ne: '' }, password }), 'invalid-credentials', 'unknown-user'],
    ['disabled account, right password', async () => ({ userName: 'gone', password }), 'invalid-credentials', 'disabled'],
    ['enrolled second factor, no code', async () => ({ userName: 'dora', password }), 'totp-required', 'totp-required'],
    ['enrolled second factor, wrong code', async () => ({ userName: 'dora', password, totp: await wrongCode(totpSecret!) }), 'totp-invalid', 'totp-wrong-code'],
    ['enrolled second factor, malformed code', async () => ({ userName: 'dora', password, totp: '12345' }), 'totp-invalid', 'totp-malformed'],
    ['right code, wrong password', async () => ({ userName: 'dora', password: 'not the password at all', totp: await code(totpSecret!) }), 'invalid-credentials', 'wrong-password'],
  ];
  for (const [label, input, reason, detail] of cases) {
    events.length = 0;
    const result = await login(deps, await input());
    assert.equal(result.outcome === 'refused' && result.reason, reason, label);
    assert.equal(events.length, 1, label);
    assert.equal(events[0]?.type, 'login-failed', label);
    assert.equal(events[0]?.detail?.reason, detail, label);
  }
});

test('a DSO needs the TOTP code; a used code is refused as a replay, the next one works', async () => {
  const { deps, addUser, code, setNow } = await testAccounts();
  const { totpSecret } = await addUser('dora', ['dso'], { totp: true });
  const first = await code(totpSecret!);
  const signedIn = await login(deps, { userName: 'dora', password, totp: first });
  assert.equal(signedIn.outcome === 'signed-in' && signedIn.session.methods.join(','), 'pwd,otp');
  const replay = await login(deps, { userName: 'dora', password, totp: first });
  assert.equal(replay.outcome === 'refused' && replay.reason, 'totp-invalid');
  setNow(T0 + 30_000);
  const next = await login(deps, { userName: 'dora', password, totp: await code(totpSecret!) });
  assert.equal(next.outcome, 'signed-in');
});

test('two parallel sign-ins with one code: only one gets a session', async () => {
  const { deps, addUser, code } = await testAccounts();
  const { totpSecret } = await addUser('dora', ['dso'], { totp: true });
  const totp = await code(totpSecret!);
  const results = await Promise.all([login(deps, { userName: 'dora', password, totp }), login(deps, { userName: 'dora', password, totp })]);
  assert.deepEqual(results.map((r) => r.outcome).sort(), ['refused', 'signed-in']);
});

test('an admin without an enrolled factor gets a password-only session marked for enrolment', async () => {
  const { deps, addUser } = await testAccounts();
  await addUser('ada', ['admin']);
  const result = await login(deps, { userName: 'ada', password });
  assert.equal(result.outcome === 'signed-in' && result.mfaEnrolmentRequired, true);
  assert.equal(result.outcome === 'signed-in' && result.session.methods.join(','), 'pwd');
});

test('after five wrong passwords the account is locked, and the right password is refused the same way until the lock ends', async () => {
  const { deps, addUser, setNow, events } = await testAccounts();
  await addUser('jane', ['clinician']);
  for (let i = 0; i < 5; i++) assert.equal((await login(deps, { userName: 'jane', password: 'wrong password number x' })).outcome, 'refused');
  const locked = await login(deps, { userName: 'jane', password });
  assert.equal(locked.outcome === 'refused' && locked.reason, 'account-locked');
  assert.equal(locked.outcome === 'refused' && locked.retryAt, T0 + 60_000);
  assert.equal(events.at(-1)?.detail?.reason, 'account-locked');
  setNow(T0 + 60_000);
  assert.equal((await login(deps, { userName: 'jane', password })).outcome, 'signed-in');
});

test('parallel guesses cannot slip past the lock: of twenty at once, five are checked and fifteen find it locked', async () => {
  const { deps, addUser } = await testAccounts();
  await addUser('jane', ['clinician']);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(deps, { userName: 'jane', password: `guess number ${i} here` })));
  const reasons = results.map((r) => (r.outcome === 'refused' ? r.reason : r.outcome));
  assert.equal(reasons.filter((r) => r === 'invalid-credentials').length, 5);
  assert.equal(reasons.filter((r) => r === 'account-locked').length, 15);
});

test('wrong TOTP codes count towards the lock, so a known password does not give unlimited code guesses', async () => {
  const { deps, addUser, wrongCode } = await testAccounts();
  const { totpSecret } = await addUser('dora', ['dso'], { totp: true });
  const wrong = await wrongCode(totpSecret!);
  for (let i = 0; i < 5; i++) assert.equal((await login(deps, { userName: 'dora', password, totp: wrong })).outcome, 'refused');
  const locked = await login(deps, { userName: 'dora', password, totp: wrong });
  assert.equal(locked.outcome === 'refused' && locked.reason, 'account-locked');
});

test('when the audit append fails, login() fails and issues no session', async () => {
  const { deps, addUser, breakAudit } = await testAccounts();
  await addUser('jane', ['clinician']);
  breakAudit(true);
  await assert.rejects(login(deps, { userName: 'jane', password }), /audit append failed/);
  await assert.rejects(login(deps, { userName: 'jane', password: 'wrong password number x' }), /audit append failed/);
});
