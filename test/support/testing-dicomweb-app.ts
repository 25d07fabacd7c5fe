/**
 * The HTTP app with its DICOMweb routes over the gateway's stores in a temporary folder, for
 * the tests of src/dicomweb only (never imported by the gateway): accounts and sessions from
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
import { buildHttpApp } from '../../src/server/http-app.js';
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

export async function testDicomwebApp(
  folder: string,
  limits: Partial<DicomwebLimits> = {},
  objects: { segmentLog2?: number } = {},
  options: { masking?: PixelMasking } = {},
): Promise<TestDicomwebApp> {
  const gateway = await openTestGateway(folder, objects);
  const accounts = await testAccounts();
  const events: AuditEventInput[] = [];
  let broken = false;
  let owners = 0;
  const { deps } = accounts;
  const app = buildHttpApp({
    accounts: accounts.accounts,
    audit: {
      append: async (event) => {
        if (broken) throw new MedVeilError('audit', 'audit append failed; 1 events were not recorded');
        validateAuditEvent({ ...event, v: 1, time: new Date(accounts.now()).toISOString() });
        events.push(event);
        return { index: events.length - 1 };
      },
    },
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
      grants: async () => [],
      limits: { ...DEFAULT_DICOMWEB_LIMITS, ...limits },
      ...(options.masking === undefined ? {} : { masking: options.masking }),
    },
  });

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
    breakAudit: (value) => void (broken = value),
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
