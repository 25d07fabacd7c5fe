import type { Role } from '../access/role.js';
import type { ApiTokenRecord } from '../access/identity/api-token.js';
import type { BootstrapCodeRecord } from '../access/identity/bootstrap-code.js';
import type { LockoutState } from '../access/identity/lockout.js';
import type { OidcIdentity } from '../access/identity/oidc-account-claim.js';

export type { OidcIdentity };

/**
 * Durable storage of the people and services that may use the gateway: users, departments,
 * care relationships, API tokens, revoked sessions and the first-admin bootstrap code. Every
 * time is milliseconds since the Unix epoch. Secrets are stored only in forms that are useless
 * when read: an argon2id hash, a SHA-256 digest, or a TOTP secret sealed under the master key.
 *
 * The read-modify-write steps that an attacker could race (lockout counting, the TOTP replay
 * step, the bootstrap code) are single atomic methods here, so that a hundred parallel guesses
 * count as a hundred.
 */

/** A secret sealed under its own data key, itself wrapped by the master key (crypto/envelope.ts). */
export interface SealedSecret {
  readonly wrappedKey: Uint8Array;
  readonly sealed: Uint8Array;
}

export interface UserRecord {
  /** The login name: lower case, immutable, never given to another user (deleted users stay as tombstones). */
  readonly name: string;
  readonly displayName: string | undefined;
  /** argon2id PHC string (access/identity/password-hash.ts). */
  readonly passwordHash: string;
  readonly roles: readonly Role[];
  readonly departments: readonly string[];
  readonly directorOf: readonly string[];
  /** The enrolled TOTP secret and the last time step accepted with it (RFC 6238 5.2). */
  readonly totp: { readonly secret: SealedSecret; readonly lastAcceptedStep: number | undefined } | undefined;
  /** A secret shown for enrolment and not yet confirmed with a code. */
  readonly pendingTotp: { readonly secret: SealedSecret; readonly expiresAt: number } | undefined;
  readonly lockout: LockoutState;
  readonly disabled: boolean;
  readonly deletedAt: number | undefined;
  /**
   * Set when an administrator chose the password (a reset): every session of the account may
   * then only change it (POST /api/me/password) until the person has chosen their own.
   */
  readonly passwordChangeRequired?: boolean;
  /** Sessions issued before this time (ms) are void: a password change ends every other session. */
  readonly sessionsNotBefore?: number | undefined;
  /** The provider identity an administrator linked for OIDC sign-in (docs/accounts.md), if any. */
  readonly oidc?: OidcIdentity | undefined;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
}

/** The fields an update may change; the name, creation and lockout have their own paths. */
export type UserChange = Partial<
  Pick<
    UserRecord,
    'displayName' | 'passwordHash' | 'roles' | 'departments' | 'directorOf' | 'totp' | 'pendingTotp' | 'disabled' | 'deletedAt' | 'passwordChangeRequired' | 'sessionsNotBefore'
  >
>;

export interface Department {
  readonly id: string;
  readonly name: string | undefined;
  readonly createdAt: number;
}

/** A clinician or radiologist treats or reads for the patient behind `patientRef`. */
export interface CareRelationship {
  readonly userName: string;
  /** An opaque patient reference as the index holds it (access/access-resource.ts), never a name. */
  readonly patientRef: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

export interface StoredApiToken extends ApiTokenRecord {
  readonly createdBy: string;
  /**
   * The account the token acts for, with that account's roles as they are at each request and
   * never more. Undefined only for tokens made before tokens had owners: those act for nobody.
   */
  readonly owner?: string | undefined;
}

/**
 * An OIDC sign-in between the redirect to the provider and its answer (gateway/login-oidc.ts).
 * It is found by the digest of its `state` and used once.
 */
export interface OidcLoginState {
  /** SHA-256 of the `state` parameter, base64url. */
  readonly stateDigest: string;
  /** SHA-256 of the value of the cookie that ties the sign-in to the browser that began it. */
  readonly browserDigest: string;
  readonly nonce: string;
  /** The PKCE code verifier (RFC 7636 4.1), sent with the code to the token endpoint. */
  readonly codeVerifier: string;
  readonly expiresAt: number;
}

/** A person the provider signed in who still owes MedVeil their TOTP code; used once. */
export interface OidcMfaTicket {
  /** SHA-256 of the ticket, base64url. */
  readonly digest: string;
  readonly userName: string;
  /** What the provider said of the sign-in (amr and acr), for the audit event of the second step. */
  readonly providerMethods: string;
  readonly expiresAt: number;
}

export interface AccountStore {
  /** Users ever created, deleted ones included: the bootstrap code exists only while this is 0. */
  userCount(): Promise<number>;
  findUser(name: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /**
   * Adds `user`; false when the name is taken, or when `onlyIfNoUsers` and a user exists
   * (two first admins racing: one wins).
   */
  insertUser(user: UserRecord, options?: { onlyIfNoUsers?: boolean }): Promise<boolean>;
  /** Applies `change` to a user that exists and is not deleted; false otherwise. */
  updateUser(name: string, change: UserChange, now: number): Promise<boolean>;
  /**
   * Replaces a user's lockout state by `next(current)` in one atomic step and returns both;
   * `undefined` from `next` leaves it as it is. Undefined when the user does not exist.
   */
  updateLockout(name: string, next: (current: LockoutState) => LockoutState | undefined): Promise<{ before: LockoutState; after: LockoutState } | undefined>;
  /**
   * Records `step` as the last accepted TOTP step if it is later than the stored one, atomically;
   * false means the step was already used (a replay, or a parallel login with the same code).
   */
  acceptTotpStep(name: string, step: number): Promise<boolean>;

  /** The account, not deleted, that `identity` is linked to. */
  findUserByOidcIdentity(identity: OidcIdentity): Promise<UserRecord | undefined>;
  /**
   * Links `identity` to a user that exists and is not deleted, or unlinks it (undefined):
   * `taken` when another account holds the identity, atomically.
   */
  setOidcIdentity(name: string, identity: OidcIdentity | undefined, now: number): Promise<'set' | 'taken' | 'unknown-user'>;
  /** Keeps a started OIDC sign-in; entries expired at `now` are dropped. */
  insertOidcLoginState(state: OidcLoginState, now: number): Promise<void>;
  /** Removes and returns the sign-in with this state digest, undefined when absent or expired: one use only. */
  takeOidcLoginState(stateDigest: string, now: number): Promise<OidcLoginState | undefined>;
  /** Keeps an MFA ticket; entries expired at `now` are dropped. */
  insertOidcMfaTicket(ticket: OidcMfaTicket, now: number): Promise<void>;
  /** Removes and returns the ticket with this digest, undefined when absent or expired: one use only. */
  takeOidcMfaTicket(digest: string, now: number): Promise<OidcMfaTicket | undefined>;

  listDepartments(): Promise<Department[]>;
  /** False when the id exists. */
  insertDepartment(department: Department): Promise<boolean>;

  careRelationships(userName: string): Promise<CareRelationship[]>;
  /** The patient references of a user's care relationships, sorted: what an access decision reads on every request. */
  carePatientRefs(userName: string): Promise<string[]>;
  /** False when the relationship exists already. */
  insertCareRelationship(relationship: CareRelationship): Promise<boolean>;
  /** False when there was none. */
  deleteCareRelationship(userName: string, patientRef: string): Promise<boolean>;

  insertApiToken(token: StoredApiToken): Promise<void>;
  findApiTokenByDigest(digest: string): Promise<StoredApiToken | undefined>;
  findApiToken(id: string): Promise<StoredApiToken | undefined>;
  listApiTokens(): Promise<StoredApiToken[]>;
  /** Sets the revocation time of a token not yet revoked; false otherwise. */
  markApiTokenRevoked(id: string, at: number): Promise<boolean>;

  /** Puts a session id on the revocation list until `expiresAt`; entries past `now` are dropped. */
  revokeSession(tokenId: string, expiresAt: number, now: number): Promise<void>;
  isSessionRevoked(tokenId: string): Promise<boolean>;

  bootstrapCode(): Promise<BootstrapCodeRecord | undefined>;
  /** Stores a new code in place of any earlier one (a restart with no users prints a new code). */
  replaceBootstrapCode(record: BootstrapCodeRecord): Promise<void>;
  /** Replaces the stored code by `next` only if it still equals `expected`; false otherwise. */
  swapBootstrapCode(expected: BootstrapCodeRecord, next: BootstrapCodeRecord): Promise<boolean>;

  close(): Promise<void>;
}
