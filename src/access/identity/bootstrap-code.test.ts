import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCodeMaximumFailures,
  createBootstrapCode,
  redeemBootstrapCode,
  type BootstrapCodeRecord,
} from './bootstrap-code.js';

const t0 = Date.UTC(2025, 0, 1);
const minute = 60_000;
const fixed = (hex: string) => () => new Uint8Array(Buffer.from(hex, 'hex'));

test('createBootstrapCode() writes 80 bits as four groups of four Crockford base32 characters', () => {
  const cases: Array<[string, string]> = [
    ['00000000000000000000', '0000-0000-0000-0000'],
    ['ffffffffffffffffffff', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'],
    // 10000 repeated: every group of five bits is 16, Crockford's G.
    ['84210842108421084210', 'GGGG-GGGG-GGGG-GGGG'],
    // 00000 00001 00010 ... 01111 then 10000 ... 11111 wraps to the next code.
    ['00443214c74254b635cf', '0123-4567-89AB-CDEF'],
  ];
  for (const [hex, code] of cases) assert.equal(createBootstrapCode({ now: t0, random: fixed(hex) }).code, code, hex);
  const random = createBootstrapCode({ now: t0 });
  assert.match(random.code, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  assert.notEqual(createBootstrapCode({ now: t0 }).code, random.code);
});

test('the record holds a digest and an expiry 15 minutes on, never the code', () => {
  const { code, record } = createBootstrapCode({ now: t0 });
  assert.equal(record.expiresAt, t0 + 15 * minute);
  assert.equal(record.failures, 0);
  assert.match(record.digest, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(record).includes(code.replace(/-/g, '')));
});

test('redeemBootstrapCode() accepts the code once, typed loosely, and refuses it afterwards', () => {
  const { code, record } = createBootstrapCode({ now: t0, random: fixed('00443214c74254b635cf') });
  assert.equal(code, '0123-4567-89AB-CDEF');
  const typings = ['0123-4567-89AB-CDEF', '0123 4567 89ab cdef', 'o123456789abcdef', 'OI23-4567-89AB-CDEF', '0L23456789ABCDEF'];
  for (const typed of typings) {
    assert.equal(redeemBootstrapCode(record, { code: typed, now: t0 + minute }).outcome, 'accepted', typed);
  }
  const first = redeemBootstrapCode(record, { code, now: t0 + minute });
  assert.equal(first.record.usedAt, t0 + minute);
  assert.equal(redeemBootstrapCode(first.record, { code, now: t0 + 2 * minute }).outcome, 'used');
});

test('redeemBootstrapCode() gives each refusal its reason', () => {
  const { code, record } = createBootstrapCode({ now: t0, random: fixed('00443214c74254b635cf') });
  const cases: Array<[string, string, number, string]> = [
    ['one character off', '0123-4567-89AB-CDEG', t0, 'wrong'],
    ['another code', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', t0, 'wrong'],
    ['too short', '0123-4567-89AB-CDE', t0, 'malformed'],
    ['a letter Crockford leaves out', '0123-4567-89AB-CDEU', t0, 'malformed'],
    ['empty', '', t0, 'malformed'],
    ['right code at expiry', code, t0 + 15 * minute, 'expired'],
    ['right code a second before expiry', code, t0 + 15 * minute - 1000, 'accepted'],
  ];
  for (const [name, typed, now, outcome] of cases) {
    assert.equal(redeemBootstrapCode(record, { code: typed, now }).outcome, outcome, name);
  }
});

test('after five wrong codes even the right code is refused; malformed ones do not count', () => {
  const { code, record } = createBootstrapCode({ now: t0 });
  let current: BootstrapCodeRecord = record;
  for (let i = 0; i < 10; i += 1) current = redeemBootstrapCode(current, { code: 'short', now: t0 }).record;
  assert.equal(current.failures, 0);
  for (let i = 0; i < bootstrapCodeMaximumFailures; i += 1) {
    const result = redeemBootstrapCode(current, { code: 'ZZZZ-ZZZZ-ZZZZ-ZZZY', now: t0 });
    assert.equal(result.outcome, 'wrong');
    current = result.record;
  }
  assert.equal(redeemBootstrapCode(current, { code, now: t0 }).outcome, 'exhausted');
});
