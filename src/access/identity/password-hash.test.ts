import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hash } from '@node-rs/argon2';
import { MedVeilError } from '../../errors.js';
import { hashPassword, needsRehash, passwordHashParameters, verifyPassword } from './password-hash.js';

// phc-winner-argon2 src/test.c: Argon2id v=19, password "password", salt "somesalt".
const referenceVectors = [
  '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc',
  '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4',
];

const cheap = { memoryKiB: 256, passes: 2, lanes: 1 };

test('verifyPassword() accepts the reference implementation vectors and refuses a wrong password', async () => {
  for (const vector of referenceVectors) {
    assert.equal(await verifyPassword(vector, 'password'), true, vector);
    assert.equal(await verifyPassword(vector, 'sassword'), false, vector);
    assert.equal(await verifyPassword(vector, 'Password'), false, vector);
  }
});

test('hashPassword() writes argon2id v=19 with the stated parameters and a fresh salt each time', async () => {
  const first = await hashPassword('quietly-drawn-ferns');
  const second = await hashPassword('quietly-drawn-ferns');
  assert.match(first, /^\$argon2id\$v=19\$m=65536,t=3,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.notEqual(first, second);
  assert.equal(await verifyPassword(first, 'quietly-drawn-ferns'), true);
  assert.equal(await verifyPassword(second, 'quietly-drawn-fern'), false);
  assert.equal(needsRehash(first), false);
});

test('a password hashed in one Unicode form verifies in its NFKC-equivalent form', async () => {
  const stored = await hashPassword('Ｐａｓｓ ｗｏｒｄ ｃａｆｅ\u0301', cheap);
  assert.equal(await verifyPassword(stored, 'Pass word caf\u00e9'), true);
});

test('verifyPassword() of an unknown account is false whatever the password', async () => {
  assert.equal(await verifyPassword(undefined, 'quietly-drawn-ferns'), false);
  assert.equal(await verifyPassword(undefined, ''), false);
});

test('verifyPassword() refuses a password far over the maximum without hashing it', async () => {
  const stored = await hashPassword('quietly-drawn-ferns', cheap);
  assert.equal(await verifyPassword(stored, 'x'.repeat(10_000)), false);
});

test('verifyPassword() reports a corrupt stored hash as our bug, without echoing it', async () => {
  await assert.rejects(verifyPassword('$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$', 'password'), (error: unknown) => {
    assert.ok(error instanceof MedVeilError);
    assert.equal(error.code, 'internal');
    assert.doesNotMatch(error.message, /c29tZXNhbHQ/);
    return true;
  });
});

test('needsRehash() is true exactly when algorithm, version or a parameter differs from the current one', async () => {
  const current = await hashPassword('quietly-drawn-ferns', cheap);
  const argon2i = await hash('quietly-drawn-ferns', { algorithm: 1, memoryCost: 256, timeCost: 2, parallelism: 1 });
  const twoLanes = await hashPassword('quietly-drawn-ferns', { ...cheap, lanes: 2 });
  const cases: Array<[string, string, typeof cheap, boolean]> = [
    ['same parameters', current, cheap, false],
    ['more passes wanted', current, { ...cheap, passes: 3 }, true],
    ['more memory wanted', current, { ...cheap, memoryKiB: 512 }, true],
    ['argon2i instead of argon2id', argon2i, cheap, true],
    ['two lanes instead of one', twoLanes, cheap, true],
    ['not a PHC string', 'plain text', cheap, true],
  ];
  for (const [name, stored, wanted, expected] of cases) assert.equal(needsRehash(stored, wanted), expected, name);
  assert.equal(needsRehash(referenceVectors[0]!), true, 'reference vector has t=2, current is t=3');
  assert.deepEqual(passwordHashParameters, { memoryKiB: 65_536, passes: 3, lanes: 1 });
});
