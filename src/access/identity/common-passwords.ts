// The 49,233 most frequent passwords of Mark Burnett's ten-million-password corpus (2015,
// released to the public domain), lowercased, ASCII only, seen more than ten times, as the
// zxcvbn-ts project ships them in @zxcvbn-ts/language-common (MIT). The version is pinned in
// package.json because this deep path is not part of that package's public interface;
// common-passwords.test.ts fails if it moves or shrinks.
import passwordList from '@zxcvbn-ts/language-common/src/passwords.json' with { type: 'json' };

let commonPasswordSet: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  commonPasswordSet ??= new Set(passwordList.map((entry) => entry.toLowerCase()));
  return commonPasswordSet;
}

/** Whether `candidate` (compared in lower case) is on the bundled list of common passwords. */
export function isCommonPassword(candidate: string): boolean {
  return commonPasswords().has(candidate.toLowerCase());
}

/** How many distinct entries the bundled list holds. */
export function commonPasswordCount(): number {
  return commonPasswords().size;
}
