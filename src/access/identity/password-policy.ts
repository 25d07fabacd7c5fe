import { isCommonPassword } from './common-passwords.js';
import { normalizePassword, passwordLength } from './normalize-password.js';

/**
 * Why a password is refused. The rules follow NIST SP 800-63B-4 3.1.1.2: a length floor, a
 * blocklist of common and breached passwords, context words, and no composition rules
 * (no "one digit and one symbol").
 */
export type PasswordProblem =
  | 'too-short'
  | 'too-long'
  | 'contains-user-name'
  | 'contains-context-word'
  | 'common-password'
  | 'repeated-pattern'
  | 'sequence';

/** Text an administrator or a form can show for each problem. */
export const passwordProblemMessages: Readonly<Record<PasswordProblem, string>> = {
  'too-short': 'Use at least 12 characters; a few unrelated words make a good password.',
  'too-long': 'Use at most 128 characters.',
  'contains-user-name': 'The password must not contain the user name.',
  'contains-context-word': 'The password must not contain the name of this service.',
  'common-password': 'This password, or a common password with a few digits, symbols or look-alike characters, is on the list of passwords attackers try first.',
  'repeated-pattern': 'The password is one short piece repeated.',
  'sequence': 'The password is almost entirely a run along the alphabet, the digits or the keyboard.',
};

export const minimumPasswordLength = 12;
/** Bounds the work of one argon2 call and of these checks; NIST asks to allow at least 64. */
export const maximumPasswordLength = 128;

export interface PasswordContext {
  userName: string;
  /** Words of this deployment a password must not contain; `medveil` when left out. */
  contextWords?: readonly string[];
}

/**
 * The problems of `password` for the account `context.userName`; an empty list means it is
 * acceptable. The password is compared in NFKC and lower case.
 */
export function checkPassword(password: string, context: PasswordContext): PasswordProblem[] {
  // A string this long cannot pass; refuse before normalizing it.
  if (password.length > maximumPasswordLength * 4) return ['too-long'];
  const normalized = normalizePassword(password);
  const lower = normalized.toLowerCase();
  const problems: PasswordProblem[] = [];
  const length = passwordLength(normalized);
  if (length < minimumPasswordLength) problems.push('too-short');
  if (length > maximumPasswordLength) problems.push('too-long');
  if (userNameParts(context.userName).some((part) => lower.includes(part))) problems.push('contains-user-name');
  const contextWords = (context.contextWords ?? ['medveil']).map((word) => normalizePassword(word).toLowerCase());
  if (contextWords.some((word) => word.length > 0 && lower.includes(word))) problems.push('contains-context-word');
  if (commonPasswordVariants(lower).some(isCommonPassword)) problems.push('common-password');
  const pattern = trivialPattern(lower);
  if (pattern !== undefined) problems.push(pattern);
  return problems;
}

/**
 * The user name and each of its parts of four or more characters (`jane.doe@ward7` gives
 * `jane.doe@ward7`, `jane`, `ward7`), since a part is as guessable as the whole. Names of
 * one or two characters are skipped: they would forbid most passwords.
 */
function userNameParts(userName: string): string[] {
  const whole = normalizePassword(userName).toLowerCase();
  const parts = whole.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 4);
  return [whole, ...parts].filter((part) => part.length >= 3);
}

const leetSubstitutions: ReadonlyArray<Readonly<Record<string, string>>> = [
  { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', '$': 's', '!': 'i', '|': 'i', '+': 't' },
  { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', '$': 's', '!': 'l', '|': 'l', '+': 't' },
];

/** Digits and symbols around a common password that attackers' rules add first. */
const maximumAffixLength = 6;
const minimumCoreLength = 4;

/**
 * The forms under which a password counts as common: itself; itself with up to six
 * non-letters stripped from its ends (`dragon2024!!`); and both with look-alike characters
 * read as letters (`p@ssw0rd`), as cracking rules try them.
 */
function commonPasswordVariants(lower: string): string[] {
  const variants = [lower];
  const core = lower.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
  if (core.length >= minimumCoreLength && lower.length - core.length <= maximumAffixLength) variants.push(core);
  for (const variant of [...variants]) {
    for (const table of leetSubstitutions) {
      variants.push(Array.from(variant, (char) => table[char] ?? char).join(''));
    }
  }
  return variants;
}

// Lines along which a run is a pattern: the alphabet, the digits, and the rows and columns of
// a US keyboard, shifted and unshifted.
const runLines = [
  'abcdefghijklmnopqrstuvwxyz',
  '0123456789',
  '1234567890-=',
  '!@#$%^&*()_+',
  'qwertyuiop[]\\',
  'asdfghjkl;\'',
  'zxcvbnm,./',
  '1qaz', '2wsx', '3edc', '4rfv', '5tgb', '6yhn', '7ujm', '8ik,', '9ol.', '0p;/',
];

/** Fewer characters than this outside runs, and the password is a run with decoration. */
const minimumCharactersOutsideRuns = 4;
const minimumRunLength = 3;

/**
 * `repeated-pattern` when the password is one piece written two or more times (`aaaaaaaaaaaa`,
 * `passwordpassword`); `sequence` when runs of three or more characters that keep one step
 * along one line (`abc`, `987`, `qwerty`, `zaq1`, `aaa`) cover all but at most three characters
 * (`1234567890ab`).
 */
function trivialPattern(lower: string): 'repeated-pattern' | 'sequence' | undefined {
  const chars = Array.from(lower);
  if (isRepetition(chars)) return 'repeated-pattern';
  return charactersOutsideRuns(chars) < minimumCharactersOutsideRuns ? 'sequence' : undefined;
}

function isRepetition(chars: string[]): boolean {
  for (let unit = 1; unit <= chars.length / 2; unit += 1) {
    if (chars.length % unit !== 0) continue;
    if (chars.every((char, i) => char === chars[i % unit])) return true;
  }
  return false;
}

/** The steps from `from` to `to`: `same`, or a line index with direction (`3+`, `3-`). */
function stepsBetween(from: string, to: string): Set<string> {
  const steps = new Set<string>();
  if (from === to) steps.add('same');
  runLines.forEach((line, index) => {
    const a = line.indexOf(from);
    const b = line.indexOf(to);
    if (a < 0 || b < 0) return;
    if (b === a + 1) steps.add(`${index}+`);
    if (b === a - 1) steps.add(`${index}-`);
  });
  return steps;
}

function charactersOutsideRuns(chars: string[]): number {
  const covered = new Array<boolean>(chars.length).fill(false);
  let runStart = 0;
  let live = new Set<string>();
  const closeRun = (end: number): void => {
    if (end - runStart >= minimumRunLength) covered.fill(true, runStart, end);
  };
  for (let i = 1; i < chars.length; i += 1) {
    const steps = stepsBetween(chars[i - 1]!, chars[i]!);
    const continuing = i - runStart === 1 ? steps : new Set([...live].filter((step) => steps.has(step)));
    if (continuing.size > 0) {
      live = continuing;
      continue;
    }
    closeRun(i);
    runStart = steps.size > 0 ? i - 1 : i;
    live = steps;
  }
  closeRun(chars.length);
  return covered.filter((isCovered) => !isCovered).length;
}
