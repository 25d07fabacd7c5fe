import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MedVeilError } from '../../errors.js';
import { generateTotpSecret, totpCode, totpEnrolmentUri, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: ASCII seeds of 20, 32 and 64 bytes for SHA-1, SHA-256 and SHA-512.
const seeds = {
  sha1: new TextEncoder().encode('12345678901234567890'),
  sha256: new TextEncoder().encode('12345678901234567890123456789012'),
  sha512: new TextEncoder().encode('1234567890123456789012345678901234567890123456789012345678901234'),
};

const appendixB: Array<[number, string, string, string]> = [
  // unix seconds, SHA-1, SHA-256, SHA-512
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

test('totpCode() reproduces every RFC 6238 Appendix B vector', async () => {
  for (const [seconds, sha1, sha256, sha512] of appendixB) {
    const now = seconds * 1000;
    assert.equal(await totpCode(seeds.sha1, { now, digits: 8 }), sha1, `SHA-1 at ${seconds}`);
    assert.equal(await totpCode(seeds.sha256, { now, digits: 8, algorithm: 'sha256' }), sha256, `SHA-256 at ${seconds}`);
    assert.equal(await totpCode(seeds.sha512, { now, digits: 8, algorithm: 'sha512' }), sha512, `SHA-512 at ${seconds}`);
  }
});

test('verifyTotp() accepts the six-digit form of the RFC vectors and returns their step', async () => {
  for (const [seconds, sha1] of appendixB) {
    const result = await verifyTotp(seeds.sha1, sha1.slice(2), { now: seconds * 1000 });
    assert.deepEqual(result, { outcome: 'accepted', timeStep: Math.floor(seconds / 30) }, `at ${seconds}`);
  }
});

test('verifyTotp() accepts the previous, current and next step and nothing further', async () => {
  // 1111111109 s is in step 37037036; its code is 081804.
  const step = 37037036;
  const cases: Array<[string, number, string]> = [
    ['two steps later', (step + 2) * 30, 'wrong-code'],
    ['one step later', (step + 1) * 30 + 29, 'accepted'],
    ['same step', step * 30, 'accepted'],
    ['one step earlier', (step - 1) * 30, 'accepted'],
    ['two steps earlier', (step - 1) * 30 - 1, 'wrong-code'],
  ];
  for (const [name, seconds, outcome] of cases) {
    const result = await verifyTotp(seeds.sha1, '081804', { now: seconds * 1000 });
    assert.equal(result.outcome, outcome, name);
    if (result.outcome === 'accepted') assert.equal(result.timeStep, step, name);
  }
});

test('verifyTotp() refuses a code whose step was already accepted, and any earlier step', async () => {
  const now = 1111111109 * 1000;
  const first = await verifyTotp(seeds.sha1, '081804', { now });
  assert.equal(first.outcome, 'accepted');
  const lastAcceptedStep = first.outcome === 'accepted' ? first.timeStep : -1;
  assert.deepEqual(await verifyTotp(seeds.sha1, '081804', { now, lastAcceptedStep }), { outcome: 'replayed' });
  assert.deepEqual(await verifyTotp(seeds.sha1, '081804', { now: now + 20_000, lastAcceptedStep }), { outcome: 'replayed' });
  const next = await totpCode(seeds.sha1, { now: now + 30_000 });
  assert.deepEqual(await verifyTotp(seeds.sha1, next, { now: now + 30_000, lastAcceptedStep }), {
    outcome: 'accepted',
    timeStep: lastAcceptedStep + 1,
  });
  assert.deepEqual(await verifyTotp(seeds.sha1, '081804', { now, lastAcceptedStep: lastAcceptedStep + 1 }), {
    outcome: 'replayed',
  });
});

test('verifyTotp() calls anything but six digits malformed and allows the space apps show', async () => {
  const now = 59_000;
  const cases: Array<[string, string]> = [
    ['287082', 'accepted'],
    ['287 082', 'accepted'],
    [' 287082 ', 'accepted'],
    ['28708', 'malformed'],
    ['94287082', 'malformed'],
    ['28708x', 'malformed'],
    ['２８７０８２', 'malformed'],
    ['', 'malformed'],
    ['287083', 'wrong-code'],
  ];
  for (const [code, outcome] of cases) assert.equal((await verifyTotp(seeds.sha1, code, { now })).outcome, outcome, code);
});

test('a generated secret is 160 bits of base32 and round-trips through its own codes', async () => {
  const secret = generateTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.notEqual(generateTotpSecret(), secret);
  const now = Date.UTC(2025, 5, 1, 12);
  const code = await totpCode(secret, { now });
  assert.equal((await verifyTotp(secret, code, { now })).outcome, 'accepted');
});

test('totpEnrolmentUri() names MedVeil as issuer and carries the secret and account', () => {
  const uri = new URL(totpEnrolmentUri('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'jane.doe@ward7'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/MedVeil:jane.doe@ward7');
  assert.equal(uri.searchParams.get('secret'), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.equal(uri.searchParams.get('issuer'), 'MedVeil');
  for (const [name, value] of [['algorithm', 'SHA1'], ['digits', '6'], ['period', '30']] as const) {
    const given = uri.searchParams.get(name);
    assert.ok(given === null || given === value, `${name}=${given}`);
  }
});

test('verifyTotp() reports an unusable stored secret as our bug', async () => {
  await assert.rejects(verifyTotp('not base32 !!', '123456', { now: 0 }), (error: unknown) => {
    assert.ok(error instanceof MedVeilError);
    assert.equal(error.code, 'internal');
    return true;
  });
});
