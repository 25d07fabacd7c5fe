/**
 * The gateway's stores in a temporary folder, for the tests of the retrieval use cases and the
 * DIMSE services only (never imported by the gateway): SQLite index, account and data-key
 * stores, encrypted objects on disk, the masked-view recipe of recipes/, and an audit appender
 * that checks every event as the real log would (validateAuditEvent) and keeps it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SENSITIVITY_RULES } from '../../src/access/default-sensitivity-rules.js';
import { freshLockoutState } from '../../src/access/identity/lockout.js';
import type { Role } from '../../src/access/role.js';
import type { AuditEventInput } from '../../src/audit/event/audit-event.js';
import { validateAuditEvent } from '../../src/audit/event/validate-audit-event.js';
import { masterKeyFromBytes } from '../../src/crypto/master-key-file.js';
import { loadRecipeFile } from '../../src/deid/load-recipe.js';
import { KeyedPseudonymizer } from '../../src/deid/pseudonym/create-pseudonymizer.js';
import { Tag } from '../../src/dicom/tag.js';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import { MedVeilError } from '../../src/errors.js';
import type { SyntheticCorpus } from '../../src/samples/synthetic-corpus.js';
import { FsBlobStore } from '../../src/storage/adapters/fs-blob-store.js';
import { SqliteAccountStore } from '../../src/storage/adapters/sqlite-account-store.js';
import { SqliteDataKeyStore } from '../../src/storage/adapters/sqlite-data-key-store.js';
import { SqliteIndexStore } from '../../src/storage/adapters/sqlite-index-store.js';
import { EncryptedBlobStore } from '../../src/storage/encrypted-blob-store.js';
import { repoRoot } from './repo-root.js';
import { type ActingUser, type ActorDeps, actorForUser, NO_GRANTS, type GrantSource } from '../../src/gateway/actor-for-user.js';
import { ingestInstance, type IngestDeps } from '../../src/gateway/ingest-instance.js';
import type { RetrieveDeps } from '../../src/gateway/retrieve-instance.js';
import type { RetrievePlanDeps } from '../../src/gateway/retrieve-instance-plan.js';
import type { SearchDeps } from '../../src/gateway/search-index.js';

export const TEST_NOW = Date.UTC(2025, 5, 2, 10, 0, 0);

export type TestGatewayDeps = IngestDeps & RetrieveDeps & SearchDeps & RetrievePlanDeps & ActorDeps;

export interface TestGateway {
  readonly folder: string;
  /** The folder the encrypted objects are written to. */
  readonly objectFolder: string;
  readonly index: SqliteIndexStore;
  readonly objects: EncryptedBlobStore;
  readonly dataKeys: SqliteDataKeyStore;
  readonly accounts: SqliteAccountStore;
  readonly deps: TestGatewayDeps;
  /** Every event appended, checked by validateAuditEvent, in order. */
  readonly events: AuditEventInput[];
  /** Makes every further append fail (or work again), as a broken audit store would. */
  breakAudit(broken: boolean): void;
  /** Replaces the grants every user has (issue 6 will issue them). */
  setGrants(source: GrantSource): void;
  /** Stores a user directly in the account store, with care relationships to `careFor`. */
  addUser(name: string, roles: Role[], options?: { departments?: string[]; directorOf?: string[]; careFor?: string[]; disabled?: boolean }): Promise<void>;
  /** The acting user for `name`; fails the test when there is none. */
  actingUser(name: string): Promise<ActingUser>;
  close(): Promise<void>;
}

/** `segmentLog2` seals objects in smaller segments than the default 1 MiB (envelope-format.ts), so small test objects span several. */
export async function openTestGateway(folder: string, options: { segmentLog2?: number } = {}): Promise<TestGateway> {
  mkdirSync(folder, { recursive: true });
  const objectFolder = join(folder, 'objects');
  const index = new SqliteIndexStore(join(folder, 'index.sqlite'));
  const dataKeys = new SqliteDataKeyStore(join(folder, 'data-keys.sqlite'));
  const objects = new EncryptedBlobStore({
    blobs: new FsBlobStore(objectFolder),
    keys: dataKeys,
    master: masterKeyFromBytes(new Uint8Array(32).fill(3)),
    suite: 'intl',
    ...(options.segmentLog2 === undefined ? {} : { segmentLog2: options.segmentLog2 }),
  });
  const accounts = new SqliteAccountStore(join(folder, 'accounts.sqlite'));
  const events: AuditEventInput[] = [];
  let broken = false;
  let grants: GrantSource = NO_GRANTS;
  const deps: TestGatewayDeps = {
    index,
    objects,
    accounts,
    grants: (userName) => grants(userName),
    audit: {
      append: async (event) => {
        if (broken) throw new MedVeilError('audit', 'audit append failed; 1 events were not recorded');
        validateAuditEvent({ ...event, v: 1, time: new Date(TEST_NOW).toISOString() });
        events.push(event);
        return { index: events.length - 1 };
      },
    },
    clock: { now: () => TEST_NOW },
    suite: 'intl',
    sensitivityRules: DEFAULT_SENSITIVITY_RULES,
    patientKey: new Uint8Array(32).fill(5),
    maxObjectBytes: 64 * 1024 * 1024,
    maskedView: {
      recipe: loadRecipeFile(join(repoRoot(), 'recipes', 'masked-view.yaml')),
      pseudonymizer: new KeyedPseudonymizer(createHash('sha256').update('masked-view test key').digest()),
    },
  };
  return {
    folder,
    objectFolder,
    index,
    objects,
    dataKeys,
    accounts,
    deps,
    events,
    breakAudit: (value) => void (broken = value),
    setGrants: (source) => void (grants = source),
    async addUser(name, roles, options = {}) {
      await accounts.insertUser({
        name,
        displayName: undefined,
        // Never checked here: DIMSE peers are mapped to accounts, they do not log in.
        passwordHash: '$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        roles,
        departments: options.departments ?? [],
        directorOf: options.directorOf ?? [],
        totp: undefined,
        pendingTotp: undefined,
        lockout: { ...freshLockoutState },
        disabled: options.disabled ?? false,
        deletedAt: undefined,
        createdAt: TEST_NOW,
        createdBy: 'test',
        updatedAt: TEST_NOW,
      });
      for (const patientRef of options.careFor ?? []) {
        await accounts.insertCareRelationship({ userName: name, patientRef, createdAt: TEST_NOW, createdBy: 'test' });
      }
    },
    async actingUser(name) {
      const found = await actorForUser(deps, name);
      if (found.outcome !== 'found') throw new Error(`test user ${name}: ${found.outcome}`);
      return found.user;
    },
    async close() {
      index.close();
      await accounts.close();
      await dataKeys.close();
    },
  };
}

/** One study of the corpus as ingested. */
export interface IngestedStudy {
  readonly studyUid: string;
  readonly patientRef: string;
  readonly department: string;
  readonly level: number;
  readonly instances: readonly { readonly seriesUid: string; readonly sopInstanceUid: string; readonly sopClassUid: string; readonly bytes: Buffer; readonly hasPixels: boolean }[];
}

/**
 * Ingests every file of the corpus through `ingestInstance`, the study of the n-th patient owned
 * by `departments[n]`, and forgets the ingest events, so that a test sees only its own.
 */
export async function ingestCorpus(gateway: TestGateway, corpus: SyntheticCorpus, departments: readonly string[]): Promise<IngestedStudy[]> {
  const byStudy = new Map<string, { department: string; instances: IngestedStudy['instances'][number][] }>();
  for (const { file } of corpus.files) {
    const studyUid = file.dataset.getString(Tag.StudyInstanceUID)!;
    const entry = byStudy.get(studyUid) ?? { department: departments[byStudy.size] ?? 'radiology', instances: [] };
    byStudy.set(studyUid, entry);
    const bytes = encodeDicomFile(file);
    const result = await ingestInstance(gateway.deps, { kind: 'part10', bytes }, { actor: { user: 'modality' }, department: entry.department, via: 'stow-rs' });
    if (result.outcome !== 'stored') throw new Error(`the test corpus did not ingest: ${JSON.stringify(result)}`);
    entry.instances.push({
      seriesUid: result.seriesUid,
      sopInstanceUid: result.sopInstanceUid,
      sopClassUid: result.sopClassUid,
      bytes,
      hasPixels: file.dataset.has(Tag.PixelData),
    });
  }
  gateway.events.length = 0;
  const studies: IngestedStudy[] = [];
  for (const [studyUid, entry] of byStudy) {
    const study = (await gateway.index.getStudy({ studyUid }))!;
    studies.push({ studyUid, patientRef: study.patientRef!, department: entry.department, level: study.level!, instances: entry.instances });
  }
  return studies;
}
