/**
 * The HTTP app with its DICOMweb routes over the gateway's stores in a temporary folder, for
 * tests only (never imported by the gateway; the request and break-glass test apps build on
 * `buildTestHttpApp`, `recordingAudit` and `signInMember`): accounts and sessions from
 * testing-account-deps.ts, index and encrypted objects from retrieve-instance-test-gateway.ts,
 * and an audit appender that checks every event as the real log would and keeps it.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/access/role.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { validateAuditEvent } from '../../src/audit/event/validate-audit-event.js';
import { MedVeilError } from '../../src/errors.js';
import { openTestGateway, type TestGateway } from './retrieve-instance-test-gateway.js';
import { TEST_PASSWORD_HASHING, testAccounts, type TestAccounts } from './testing-account-deps.js';
import { buildHttpApp, type HttpAppDeps } from '../../src/server/http-app.js';
import type { GrantSource } from '../../src/gateway/actor-for-user.js';
import type { AuditAppender } from '../../src/gateway/audit-actor.js';
import type { BreakGlassSource } from '../../src/gateway/break-glass-source.js';
import { DEFAULT_DICOMWEB_LIMITS, type DicomwebLimits } from '../../src/dicomweb/dicomweb-deps.js';
import type { PixelMasking } from '../../src/gateway/mask-instance-pixels.js';

export const TEST_PASSWORD = 'quietly drawn ferns on the stair';

export interface TestDicomwebApp {
  readonly app: FastifyInstance;
  readonly gateway: TestGateway;
  readonly accounts: TestAccounts;
  /** Every event the app appended, checked by validateAuditEvent, in order. */
  readonly events: AuditEventInput[];
  breakAudit(broken: boolean): void;
  /** Adds a person (no second factor: give roles that need none) and signs them in; the bearer header. */
  signedIn(name: string, roles: Role[], options?: { departments?: string[]; careFor?: string[] }): Promise<string>;
  /**
   * An API token with `scopes`, created through the API by a new account that owns it (a
   * technician unless `roles` says otherwise); the bearer header.
   */
  apiToken(scopes: string[], owner?: { roles?: Role[]; departments?: string[] }): Promise<string>;
  close(): Promise<void>;
}

/** An audit appender that checks every event as the real log would and keeps it; `breakAudit` makes it fail. */
export function recordingAudit(now: () => number): { readonly audit: AuditAppender; readonly events: AuditEventInput[]; breakAudit(broken: boolean): void } {
  const events: AuditEventInput[] = [];
  let broken = false;
  return {
    audit: {
      append: async (event) => {
        if (broken) throw new MedVeilError('audit', 'audit append failed; 1 events were not recorded');
        validateAuditEvent({ ...event, v: 1, time: new Date(now()).toISOString() });
        events.push(event);
        return { index: events.length - 1 };
      },
    },
    events,
    breakAudit: (value) => void (broken = value),
  };
}

/** What a test app may add to the DICOMweb deps and the app: grants, break-glass sessions, masking, the request routes. */
export interface TestAppExtras {
  readonly limits?: Partial<DicomwebLimits>;
  readonly masking?: PixelMasking;
  readonly grants?: GrantSource;
  readonly breakGlass?: BreakGlassSource;
  readonly requests?: HttpAppDeps['requests'];
  readonly exports?: HttpAppDeps['exports'];
}

/** The HTTP app with its DICOMweb routes over `gateway` and `accounts`, as the tests of the gateway's flows build it. */
export function buildTestHttpApp(gateway: TestGateway, accounts: TestAccounts, audit: AuditAppender, extras: TestAppExtras = {}): FastifyInstance {
  const { deps } = accounts;
  return buildHttpApp({
    accounts: accounts.accounts,
    audit,
    clock: deps.clock,
    sessions: { ...deps.sessions, verificationKeys: { publicKey: (kid) => (kid === deps.sessions.key.kid ? accounts.publicKey : undefined) } },
    secrets: deps.secrets,
    corsOrigins: [],
    passwordHashing: TEST_PASSWORD_HASHING,
    dicomweb: {
      index: gateway.index,
      objects: gateway.objects,
      suite: gateway.deps.suite,
      sensitivityRules: gateway.deps.sensitivityRules,
      patientKey: gateway.deps.patientKey,
      maskedView: gateway.deps.maskedView,
      grants: extras.grants ?? (async () => []),
      limits: { ...DEFAULT_DICOMWEB_LIMITS, ...extras.limits },
      ...(extras.breakGlass === undefined ? {} : { breakGlass: extras.breakGlass }),
      ...(extras.masking === undefined ? {} : { masking: extras.masking }),
    },
    ...(extras.requests === undefined ? {} : { requests: extras.requests }),
    ...(extras.exports === undefined ? {} : { exports: extras.exports }),
  });
}

/**
 * Adds a person with `password` (and a second factor when `totp`) and signs them in through
 * `app`; the bearer header, and the TOTP secret when there is one.
 */
export async function signInMember(
  app: FastifyInstance,
  accounts: TestAccounts,
  password: string,
  name: string,
  roles: Role[],
  options: { departments?: string[]; directorOf?: string[]; totp?: boolean } = {},
): Promise<{ authorization: string; totpSecret?: string }> {
  const { totpSecret } = await accounts.addUser(name, roles, {
    password,
    totp: options.totp === true,
    ...(options.departments === undefined ? {} : { departments: options.departments }),
    ...(options.directorOf === undefined ? {} : { directorOf: options.directorOf }),
  });
  const payload = { userName: name, password, ...(totpSecret === undefined ? {} : { totp: await accounts.code(totpSecret) }) };
  const login = await app.inject({ method: 'POST', url: '/api/login', payload });
  if (login.statusCode !== 200) throw new Error(`setup: ${name} could not sign in: ${login.body}`);
  const authorization = `Bearer ${login.json<{ token: string }>().token}`;
  return totpSecret === undefined ? { authorization } : { authorization, totpSecret };
}

export async function testDicomwebApp(
  folder: string,
  limits: Partial<DicomwebLimits> = {},
  objects: { segmentLog2?: number } = {},
  options: { masking?: PixelMasking } = {},
): Promise<TestDicomwebApp> {
  const gateway = await openTestGateway(folder, objects);
  const accounts = await testAccounts();
  const { audit, events, breakAudit } = recordingAudit(() => accounts.now());
  let owners = 0;
  const app = buildTestHttpApp(gateway, accounts, audit, { limits, ...(options.masking === undefined ? {} : { masking: options.masking }) });

  async function signIn(name: string): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: name, password: TEST_PASSWORD } });
    if (response.statusCode !== 200) throw new Error(`setup: ${name} could not sign in: ${response.body}`);
    return `Bearer ${response.json<{ token: string }>().token}`;
  }

  return {
    app,
    gateway,
    accounts,
    events,
    breakAudit,
    async signedIn(name, roles, options = {}) {
      await accounts.addUser(name, roles, { password: TEST_PASSWORD, ...(options.departments === undefined ? {} : { departments: options.departments }) });
      for (const patientRef of options.careFor ?? []) {
        await accounts.accounts.insertCareRelationship({ userName: name, patientRef, createdAt: accounts.now(), createdBy: 'test' });
      }
      return signIn(name);
    },
    async apiToken(scopes, owner = {}) {
      const name = `service${++owners}`;
      await accounts.addUser(name, owner.roles ?? ['technician'], { password: TEST_PASSWORD, departments: owner.departments ?? [] });
      const login = await app.inject({ method: 'POST', url: '/api/login', payload: { userName: name, password: TEST_PASSWORD } });
      if (login.statusCode !== 200) throw new Error(`setup: the token's owner could not sign in: ${login.body}`);
      const created = await app.inject({
        method: 'POST',
        url: '/api/me/tokens',
        headers: { authorization: `Bearer ${login.json<{ token: string }>().token}` },
        payload: { name: 'test service', scopes, expiresAt: new Date(accounts.now() + 86_400_000).toISOString() },
      });
      if (created.statusCode !== 201) throw new Error(`setup: no API token: ${created.body}`);
      return `Bearer ${created.json<{ token: string }>().token}`;
    },
    async close() {
      await app.close();
      await gateway.close();
      await accounts.accounts.close();
    },
  };
}
