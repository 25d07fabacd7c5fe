import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonPasswordCount, isCommonPassword } from './common-passwords.js';

test('the bundled common-password list ships with the package and holds at least 10,000 entries', () => {
  assert.ok(commonPasswordCount() >= 10_000, `only ${commonPasswordCount()} entries`);
});

test('isCommonPassword() finds listed passwords in any letter case and not unlisted ones', () => {
  const cases: Array<[string, boolean]> = [
    ['123456', true],
    ['password', true],
    ['PassWord', true],
    ['qwertyuiop', true],
    ['1qaz2wsx3edc', true],
    ['iloveyou', true],
    ['quietly-drawn-ferns', false],
    ['', false],
  ];
  for (const [candidate, expected] of cases) assert.equal(isCommonPassword(candidate), expected, candidate);
});
