import type { UserRecord } from '../storage/account-store.js';
import type { AccountDeps } from './account-deps.js';
import { refusal, type AccountRefusal } from './account-refusal.js';
import { auditActorOf } from './audit-actor.js';
import { auditText } from './login-oidc-deps.js';

export interface LinkOidcIdentityInput {
  readonly by: UserRecord;
  readonly userName: string;
  /** The configured provider's issuer identifier. */
  readonly issuer: string;
  /** The provider's `sub` for this person, or null to remove the link. */
  readonly subject: unknown;
}

export type LinkOidcIdentityResult = { readonly outcome: 'linked' | 'unlinked'; readonly user: UserRecord } | AccountRefusal;

// OIDC Core 1.0 section 2: `sub` is at most 255 ASCII characters; printable ones here, as it goes into audit events.
const SUBJECT = /^[\x21-\x7e]{1,255}$/;

/**
 * An administrator links an account to a person's identity at the configured OpenID provider
 * (`iss` + `sub`), or removes the link. Linking adds a way to sign in as the account, so it
 * follows the rule of the account's other credentials: never on one's own account.
 */
export async function linkOidcIdentity(deps: AccountDeps, input: LinkOidcIdentityInput): Promise<LinkOidcIdentityResult> {
  const { by } = input;
  if (!by.roles.includes('admin')) return refusal('not-admin', 'only an administrator links accounts to the identity provider');
  if (input.userName === by.name) return refusal('self-change', 'another administrator must link your account to the identity provider');
  if (input.subject !== null && (typeof input.subject !== 'string' || !SUBJECT.test(input.subject))) {
    return refusal('invalid-oidc-identity', "the subject is the provider's `sub` claim for this person: 1 to 255 printable ASCII characters, no spaces");
  }
  const target = await deps.accounts.findUser(input.userName);
  if (target === undefined || target.deletedAt !== undefined) return refusal('unknown-user', `no user ${input.userName}`);
  const identity = input.subject === null ? undefined : { issuer: input.issuer, subject: input.subject };
  const now = deps.clock.now();
  if (identity !== undefined) {
    const holder = await deps.accounts.findUserByOidcIdentity(identity);
    if (holder !== undefined && holder.name !== target.name) return refusal('oidc-identity-taken', `that identity is linked to the account ${holder.name} already; remove that link first`);
  }
  await deps.audit.append({
    type: 'policy-change',
    outcome: 'success',
    actor: auditActorOf(by),
    detail: {
      action: identity === undefined ? 'unlink-oidc-identity' : 'link-oidc-identity',
      target: target.name,
      issuer: auditText(input.issuer),
      ...(identity === undefined ? {} : { oidcSubject: identity.subject }),
    },
  });
  const result = await deps.accounts.setOidcIdentity(target.name, identity, now);
  if (result === 'taken') return refusal('oidc-identity-taken', 'that identity was linked to another account a moment ago; remove that link first');
  if (result === 'unknown-user') return refusal('unknown-user', `no user ${target.name}`);
  return { outcome: identity === undefined ? 'unlinked' : 'linked', user: (await deps.accounts.findUser(target.name)) ?? target };
}
