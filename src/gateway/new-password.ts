import { hashPassword } from '../access/identity/password-hash.js';
import { checkPassword, passwordProblemMessages } from '../access/identity/password-policy.js';
import type { AccountDeps } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';

/**
 * The argon2id hash of a password chosen for `userName`, or a refusal listing every rule it
 * breaks (password-policy.ts), with text the person can act on.
 */
export async function hashNewPassword(
  deps: Pick<AccountDeps, 'passwordHashing' | 'passwordContextWords'>,
  password: unknown,
  userName: string,
): Promise<{ hash: string } | AccountRefusal> {
  if (typeof password !== 'string') return refusal('weak-password', 'a password is required', { problems: ['too-short'] });
  const problems = checkPassword(password, {
    userName,
    ...(deps.passwordContextWords === undefined ? {} : { contextWords: deps.passwordContextWords }),
  });
  if (problems.length > 0) {
    return refusal('weak-password', problems.map((problem) => passwordProblemMessages[problem]).join(' '), { problems });
  }
  return { hash: await hashPassword(password, deps.passwordHashing) };
}
