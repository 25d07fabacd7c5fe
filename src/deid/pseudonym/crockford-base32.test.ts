import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crockfordBase32 } from './crockford-base32.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Reference: write the bytes as a bit string and read it back 5 bits at a time. */
function viaBitString(bytes: Uint8Array, length: number): string {
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[parseInt(bits.slice(i * 5, i * 5 + 5).padEnd(5, '0'), 2)];
  return out;
}

test('crockfordBase32() reads 5-bit groups most significant first', () => {
  const cases: [number[], number, string][] = [
    [[0x00, 0x00], 3, '000'],
    [[0xff, 0xff], 3, 'ZZZ'],
    [[0x08], 1, '1'],
    [[0x84, 0x20], 3, 'GGG'],
    [[0xff, 0x00], 2, 'ZW'],
  ];
  for (const [bytes, length, expected] of cases) assert.equal(crockfordBase32(Uint8Array.from(bytes), length), expected);
});

test('crockfordBase32() agrees with a bit-string reading on random input', () => {
  for (let i = 0; i < 500; i++) {
    const bytes = randomBytes(1 + (i % 32));
    const length = Math.floor((bytes.length * 8) / 5);
    assert.equal(crockfordBase32(bytes, length), viaBitString(bytes, length));
  }
});

test('crockfordBase32() never uses I, L, O or U', () => {
  const text = crockfordBase32(randomBytes(640), 1024);
  assert.doesNotMatch(text, /[ILOU]/);
});

test('crockfordBase32() refuses to read past its input', () => {
  assert.throws(() => crockfordBase32(new Uint8Array(2), 4), RangeError);
});
