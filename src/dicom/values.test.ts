import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPLICIT_BIG, EXPLICIT_LITTLE } from './dataset.js';
import { valueElement } from './element.js';
import { decodeBigInts, decodeStrings, encodeBigInts, encodeNumbers, formatDecimalString } from './values.js';

test('formatDecimalString() gives the shortest text that reads back as the same number when it fits 16 bytes', () => {
  for (const value of [0, 1, -1.5, 87.09, 0.603909, -91.90546417, 1e21, 1.5e-7, 5e-324, 123456789012345]) {
    const text = formatDecimalString(value);
    assert.equal(Number(text), value, text);
    assert.ok(text.length <= 16, text);
  }
  assert.equal(formatDecimalString(1e21), '1e21');
});

test('formatDecimalString() rounds numbers whose shortest text is longer than 16 bytes (PS3.5 6.2) to the closest that fits', () => {
  const cases: [number, string][] = [
    [0.1234567890123456789, '0.12345678901235'],
    [0.1 + 0.2, '0.3'],
    [-1.7976931348623157e308, '-1.797693135e308'],
    [12345678901234567890, '1.23456789012e19'],
  ];
  for (const [value, text] of cases) assert.equal(formatDecimalString(value), text);
  assert.throws(() => formatDecimalString(Number.NaN), RangeError);
});

test('encodeNumbers() writes DS numbers that fit 16 bytes', () => {
  const bytes = encodeNumbers([0.1234567890123456789, 2], 'DS');
  assert.deepEqual(decodeStrings(valueElement(0x00180050, 'DS', bytes), EXPLICIT_LITTLE, []), ['0.12345678901235', '2']);
});

test('encodeBigInts() and decodeBigInts() keep SV and UV exact over the whole 64-bit range, in both byte orders', () => {
  const sv = [-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n];
  const uv = [0n, 2n ** 64n - 1n];
  for (const little of [true, false]) {
    const encoding = little ? EXPLICIT_LITTLE : EXPLICIT_BIG;
    assert.deepEqual(decodeBigInts(valueElement(0x00720082, 'SV', encodeBigInts(sv, 'SV', little)), encoding), sv);
    assert.deepEqual(decodeBigInts(valueElement(0x00720083, 'UV', encodeBigInts(uv, 'UV', little)), encoding), uv);
  }
  assert.throws(() => encodeBigInts([2n ** 63n], 'SV'), RangeError);
  assert.throws(() => encodeBigInts([-1n], 'UV'), RangeError);
});
