import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedVeilError } from '../../errors.js';
import { canonicalJson } from './canonical-json.js';

test('canonicalJson() sorts members by UTF-16 code units (RFC 8785 3.2.3 example)', () => {
  const input = {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  };
  const expectedOrder = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
  const output = canonicalJson(input);
  assert.equal(output, `{${expectedOrder.map((k) => `${JSON.stringify(k)}:${JSON.stringify(input[k as keyof typeof input])}`).join(',')}}`);
  assert.ok(output.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"'));
});

test('canonicalJson() serializes numbers as ECMAScript does (RFC 8785 Appendix B)', () => {
  const cases: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555555', '333333333.3333333'],
    ['c060000000000000', '-128'],
  ];
  for (const [bits, expected] of cases) {
    const value = Buffer.from(bits, 'hex').readDoubleBE(0);
    assert.equal(canonicalJson([value]), `[${expected}]`, bits);
  }
  for (const bad of [NaN, Infinity, -Infinity]) assert.throws(() => canonicalJson({ n: bad }), MedVeilError);
});

test('canonicalJson() escapes only what JSON requires and writes other characters as they are', () => {
  assert.equal(canonicalJson({ s: '\u0000\b\t\n\f\r"\\/\u001f\u007f\u00e9\u2028' }), '{"s":"\\u0000\\b\\t\\n\\f\\r\\"\\\\/\\u001f\u007f\u00e9\u2028"}');
  assert.equal(canonicalJson({ b: [true, false, null], a: { z: 1, y: [] } }), '{"a":{"y":[],"z":1},"b":[true,false,null]}');
});

test('canonicalJson() refuses input that is not I-JSON', () => {
  assert.throws(() => canonicalJson({ s: 'a\ud800b' }), /lone surrogate/);
  assert.throws(() => canonicalJson({ s: '\udc00' }), /lone surrogate/);
  assert.throws(() => canonicalJson({ u: undefined }), MedVeilError);
  assert.throws(() => canonicalJson({ d: new Date(0) }), /plain objects/);
  assert.throws(() => canonicalJson({ n: 1n }), MedVeilError);
});

test('canonicalJson() orders integer-like member names as strings, not as engines enumerate them', () => {
  assert.equal(canonicalJson({ a: 1, 9: 'nine', 10: 'ten', nested: { 2: [{ 1: true }] } }), '{"10":"ten","9":"nine","a":1,"nested":{"2":[{"1":true}]}}');
});
