import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPassword, passwordProblemMessages, type PasswordProblem } from './password-policy.js';

const context = { userName: 'jane.doe@ward7' };

test('checkPassword() gives each refused password exactly its problems', () => {
  const cases: Array<[string, PasswordProblem[]]> = [
    ['xq7!Lm', ['too-short']],
    ['elevenchars', ['too-short']],
    [Array.from({ length: 129 }, (_, i) => String.fromCodePoint(0x4e00 + i * 7)).join(''), ['too-long']],
    ['Jane.Doe@Ward7 rules the night', ['contains-user-name']],
    ['my-ward7-night-shift', ['contains-user-name']],
    ['JANE is on call tonight', ['contains-user-name']],
    ['medveil rocks on tuesdays', ['contains-context-word']],
    ['MEDVEIL rocks on tuesdays', ['contains-context-word']],
    ['qwertyuiop12', ['common-password', 'sequence']],
    ['iloveyou123456', ['common-password']],
    ['superman12345', ['common-password']],
    ['dragon2024!!', ['common-password']],
    ['P@ssw0rd2024!', ['common-password']],
    ['Sh4d0w_2024!', ['common-password']],
    ['1qaz2wsx3edc4rfv', ['common-password', 'sequence']],
    ['aaaaaaaaaaaa', ['repeated-pattern']],
    ['abcabcabcabc', ['repeated-pattern']],
    ['passwordpassword', ['common-password', 'repeated-pattern']],
    ['1234567890ab', ['sequence']],
    ['abcdefghijkl', ['sequence']],
    ['zyxwvutsrq98', ['sequence']],
    ['!@#$%^&*()_+', ['sequence']],
  ];
  for (const [password, expected] of cases) {
    assert.deepEqual(checkPassword(password, context), expected, password);
  }
});

test('checkPassword() accepts long passphrases and random passwords that break no rule', () => {
  const accepted = [
    'correct horse battery staple',
    'correcthorsebatterystaple',
    'quietly-drawn-ferns',
    'k9#mQ2$vLp8!',
    'Tr0ub4dor&3xyz',
    'were wearing powers',
    // Twelve characters outside Latin script.
    '海鸥在港口上空盘旋着叫喊',
    // A common password followed by more digits and symbols than attackers' rules add first.
    'dragon8#x!2$7%9&',
  ];
  for (const password of accepted) assert.deepEqual(checkPassword(password, context), [], password);
});

test('checkPassword() compares in NFKC, so full-width or mathematical letters do not hide a common password', () => {
  assert.deepEqual(checkPassword('Ｐａｓｓｗｏｒｄ１２３４', context), ['common-password']);
  assert.deepEqual(checkPassword('𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡1234', context), ['common-password']);
});

test('checkPassword() counts length in code points, not UTF-16 units', () => {
  // Eleven astral characters are 22 UTF-16 units but only 11 characters.
  assert.deepEqual(checkPassword('😀🐳🍉🚲🎻🌋🧊🦉🪁🧩🛶', context), ['too-short']);
});

test('checkPassword() refuses a password of megabytes without normalizing it', () => {
  assert.deepEqual(checkPassword('ab'.repeat(1_000_000), context), ['too-long']);
});

test('checkPassword() ignores user names too short to be a meaningful part of a password', () => {
  assert.deepEqual(checkPassword('a quiet walk in the rain', { userName: 'a' }), []);
});

test('checkPassword() takes the deployment context words instead of the default', () => {
  const words = { userName: 'jane', contextWords: ['St Elsewhere', 'radiology'] };
  assert.deepEqual(checkPassword('radiology reading room 9', words), ['contains-context-word']);
  assert.deepEqual(checkPassword('medveil reading room 9', words), []);
});

test('every password problem has a message', () => {
  for (const message of Object.values(passwordProblemMessages)) assert.ok(message.length > 10);
});
