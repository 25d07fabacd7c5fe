import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trimLeadingSpaces, trimPaddingEnd } from './trim-padding.js';

test('trimPaddingEnd() removes trailing NUL and space padding only', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['ABC', 'ABC'],
    ['ABC ', 'ABC'],
    ['1.2.3\0', '1.2.3'],
    ['A \0 \0', 'A'],
    [' A', ' A'],
    ['   ', ''],
    ['A\tB ', 'A\tB'],
  ];
  for (const [input, expected] of cases) assert.equal(trimPaddingEnd(input), expected, JSON.stringify(input));
});

test('trimLeadingSpaces() removes leading spaces only', () => {
  assert.equal(trimLeadingSpaces('  A B '), 'A B ');
  assert.equal(trimLeadingSpaces('\0A'), '\0A');
});

test('a long run of padding before a last character is trimmed in one pass (regression: a 3 MiB value hung the worker)', () => {
  // Counted in steps, not time: the loop looks at each character at most once.
  const text = `${'\0'.repeat(3 * 1024 * 1024)}%`;
  assert.equal(trimPaddingEnd(text), text);
  assert.equal(trimPaddingEnd(`${text}${' '.repeat(1000)}`), text);
});
