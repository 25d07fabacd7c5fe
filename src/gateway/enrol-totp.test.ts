import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beginTotpEnrolment, confirmTotpEnrolment, resetTotp, totpEnrolmentWindowMs } from './enrol-totp.js';
import { login } from './login.js';
import { openTotpSecret } from './sealed-totp-secret.js';
import { T0, testAccounts } from '../../test/support/testing-account-deps.js';

const password = 'quietly drawn ferns on the stair';

async function signedInAdmin() {
  const fixture = await testAccounts();
  await fixture.addUser('ada', ['admin']);
  const signedIn = await login(fixture.deps, { userName: 'ada', password });
  if (signedIn.outcome !== 'signed-in') throw new Error('setup: ada could not sign in');
  return { ...fixture, session: signedIn.session };
}

test('enrolment shows a secret once, keeps it sealed, and a code from it enrols the factor and gives a two-factor session', async () => {
  const { deps, accounts, session, code, events } = await signedInAdmin();
  const user = (await accounts.findUser('ada'))!;
  const started = await beginTotpEnrolment(deps, user);
  assert.equal(started.outcome, 'started');
  if (started.outcome !== 'started') return;
  assert.match(started.otpauthUri, /^otpauth:\/\/totp\/MedVeil:ada\?/);
  const pending = (await accounts.findUser('ada'))!.pendingTotp!;
  assert.equal(Buffer.from(pending.secret.sealed).includes(started.secret), false, 'the stored bytes do not hold the secret');
  assert.equal(openTotpSecret(pending.secret, 'ada', deps.secrets.master), started.secret);
  assert.throws(() => openTotpSecret(pending.secret, 'eve', deps.secrets.master), 'a sealed secret does not open for another account');

  const enrolled = await confirmTotpEnrolment(deps, { user: (await accounts.findUser('ada'))!, code: await code(started.secret), session });
  assert.equal(enrolled.outcome, 'enrolled');
  if (enrolled.outcome !== 'enrolled') return;
  assert.deepEqual(enrolled.session.methods, ['pwd', 'otp']);
  assert.equal(await accounts.isSessionRevoked(session.tokenId), true, 'the password-only session ends');
  const after = (await accounts.findUser('ada'))!;
  assert.equal(after.pendingTotp, undefined);
  assert.notEqual(after.totp?.lastAcceptedStep, undefined, 'the enrolment code cannot be replayed at sign-in');
  assert.deepEqual(events.slice(-2).map((e) => e.detail?.action), ['totp-enrolment-started', 'totp-enrolled']);
});

test('confirmation is refused for a wrong code, after the window, without a pending secret, and once enrolled', async () => {
  const { deps, accounts, session, code, wrongCode, setNow } = await signedInAdmin();
  const fresh = () => accounts.findUser('ada').then((user) => user!);
  const none = await confirmTotpEnrolment(deps, { user: await fresh(), code: '123456', session });
  assert.equal(none.outcome === 'refused' && none.reason, 'no-pending-enrolment');
  const started = await beginTotpEnrolment(deps, await fresh());
  if (started.outcome !== 'started') throw new Error('setup');
  const wrong = await confirmTotpEnrolment(deps, { user: await fresh(), code: await wrongCode(started.secret), session });
  assert.equal(wrong.outcome === 'refused' && wrong.reason, 'totp-invalid');
  setNow(T0 + totpEnrolmentWindowMs);
  const late = await confirmTotpEnrolment(deps, { user: await fresh(), code: await code(started.secret), session });
  assert.equal(late.outcome === 'refused' && late.reason, 'no-pending-enrolment');
  setNow(T0);
  assert.equal((await confirmTotpEnrolment(deps, { user: await fresh(), code: await code(started.secret), session })).outcome, 'enrolled');
  const again = await beginTotpEnrolment(deps, await fresh());
  assert.equal(again.outcome === 'refused' && again.reason, 'already-enrolled');
});

test('an administrator resets another person\'s factor, never their own', async () => {
  const { deps, accounts, addUser } = await signedInAdmin();
  await addUser('dora', ['dso'], { totp: true });
  const ada = (await accounts.findUser('ada'))!;
  const own = await resetTotp(deps, { by: ada, userName: 'ada' });
  assert.equal(own.outcome === 'refused' && own.reason, 'self-change');
  const byDso = await resetTotp(deps, { by: (await accounts.findUser('dora'))!, userName: 'ada' });
  assert.equal(byDso.outcome === 'refused' && byDso.reason, 'not-admin');
  assert.equal((await resetTotp(deps, { by: ada, userName: 'dora' })).outcome, 'reset');
  assert.equal((await accounts.findUser('dora'))!.totp, undefined);
});
