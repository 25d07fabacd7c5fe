/**
 * Use case: make the package of an approved export request (issue 6, "Exports"). The request
 * must be an `export` request, granted, its grant active now, and `decideAccess` with action
 * `export` must allow every study through that very grant. Then every instance of the grant's
 * studies is read from the object store and de-identified with the recipient's recipe (Clean
 * Pixel Data on: the pixel rules, and OCR where configured, fill burned-in text), the files are
 * laid out as a media folder with a DICOMDIR (build-media-folder.ts), and the folder is zipped,
 * as a stream, straight into the encrypted object store:
 *
 *   <dataDir>/exports/<export id>/media/DICOMDIR, media/DICOM/P0000001/...  (while the job runs)
 *   object export-package/<export id>, sealed under the data key of scope export:<export id>
 *
 * The package has a data key of its own, so destroying that one key (the purge does, at expiry)
 * makes every copy of the package unreadable, a backup's included. The working folder is
 * registered with the retention store as a temporary item before anything is written into it,
 * so that a crash leaves nothing that outlives the retention period, and removed once the
 * package is sealed. No name carries anything of a patient: the export id is random, the rest
 * are ordinals.
 *
 * Audit: one `export` event per instance (the original's UIDs as objects, the de-identified
 * file's digests), one per instance left out (`minor-failure`, with its reason), and one for the
 * package (the zip's digests, SHA-256 and, under the gm suite, SM3), each with the purpose of
 * the request. An instance that cannot be de-identified is left out and named in the report by
 * its ordinal and reason; nothing half-cleaned is ever written (deidentifyInstance throws before
 * it returns any bytes). On any other failure the folder and the object are removed and the
 * error thrown.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { join } from 'node:path';
import type { StudyFacts } from '../access/access-resource.js';
import { decideAccess } from '../access/decide-access.js';
import { type Grant, grantState } from '../access/grant.js';
import type { AccessRequestRecord } from '../access/requests/access-request.js';
import { purposeCode } from '../access/requests/purpose-of-use.js';
import type { Clock } from '../audit/clock.js';
import type { AuditObject } from '../audit/event/audit-event.js';
import { createDataDigester, type DataDigest, dataDigests } from '../crypto/data-digest.js';
import type { CryptoSuite } from '../crypto/suite.js';
import type { Pseudonymizer } from '../deid/pseudonymizer.js';
import type { Recipe } from '../deid/recipe.js';
import { type ZipEntry, zipStream } from '../dicom/zip-writer.js';
import { MedVeilError } from '../errors.js';
import type { FindTextRegions } from '../pixels/clean-pixels.js';
import type { PixelRule } from '../pixels/pixel-rules.js';
import type { BlobKey } from '../storage/blob-store.js';
import type { DataKeyStore } from '../storage/data-key-store.js';
import type { EncryptedBlobStore } from '../storage/encrypted-blob-store.js';
import type { QuarantinedInstance } from '../storage/export-job-store.js';
import type { IndexStore, LocatedInstance } from '../storage/index-store.js';
import type { RetentionStore } from '../storage/retention-store.js';
import type { ActingUser } from './actor-for-user.js';
import type { AuditAppender } from './audit-actor.js';
import { buildMediaFolder } from './build-media-folder.js';
import { deidentifyInstance } from './deidentify-instance.js';

export interface RunExportDeps {
  readonly index: Pick<IndexStore, 'findEach' | 'getInstance'>;
  readonly objects: Pick<EncryptedBlobStore, 'get' | 'put' | 'delete'>;
  /** To name the package's data key on its retention item. */
  readonly dataKeys: Pick<DataKeyStore, 'forScope'>;
  readonly retention: Pick<RetentionStore, 'add'>;
  readonly audit: AuditAppender;
  readonly clock: Clock;
  readonly suite: CryptoSuite;
  /** The data folder: packages go to its `exports/` folder. */
  readonly dataDir: string;
  /** The recipient's recipe, Clean Pixel Data on (export-recipient.ts). */
  readonly recipe: Recipe;
  /** Keyed pseudonyms of export packages. */
  readonly pseudonymizer: Pseudonymizer;
  readonly pixelRules?: readonly PixelRule[];
  readonly findTextRegions?: FindTextRegions;
}

export interface RunExportRequest {
  readonly request: AccessRequestRecord;
  /** The requester, with their grants as the decisions read them. */
  readonly who: ActingUser;
  /** 32 lowercase hex digits (newExportId). */
  readonly exportId: string;
  /** Who the package is for (export-recipient.ts), for the audit trail; `requester` by default. */
  readonly recipient?: string;
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

export type { QuarantinedInstance };

export interface ExportReport {
  readonly exportId: string;
  readonly instances: number;
  readonly quarantined: readonly QuarantinedInstance[];
  /** The sealed package in the object store, and the data key only it is sealed under. */
  readonly blobKey: BlobKey;
  readonly dataKeyId: string;
  readonly zipBytes: number;
  readonly zipSha256: string;
  /** SHA-256, and SM3 under the gm suite. */
  readonly digests: readonly DataDigest[];
  readonly retentionId: string;
  readonly expiresAt: number;
}

export const EXPORTS_FOLDER = 'exports';
/** The object namespace of packages; the object's id is the export id. */
export const PACKAGE_NAMESPACE = 'export-package';

/** The object key of an export's package. */
export function packageBlobKey(exportId: string): BlobKey {
  return `${PACKAGE_NAMESPACE}/${exportId}`;
}

/** The data key scope of an export's package: one key per package. */
export function packageKeyScope(exportId: string): string {
  return `export:${exportId}`;
}
const EXPORT_ID = /^[0-9a-f]{32}$/;

export function newExportId(): string {
  return randomBytes(16).toString('hex');
}

export async function runExport(deps: RunExportDeps, input: RunExportRequest): Promise<ExportReport> {
  const { request, who, exportId } = input;
  if (!EXPORT_ID.test(exportId)) throw new MedVeilError('usage', 'an export id is 32 lowercase hex digits');
  const grant = await checkExportAllowed(deps, request, who);
  const purpose = purposeCode(request.content.purpose);
  const instances = await grantInstances(deps, who, grant);
  const relativeFolder = `${EXPORTS_FOLDER}/${exportId}`;
  const folder = join(deps.dataDir, EXPORTS_FOLDER, exportId);
  const detail = { exportId, requestId: request.id, grantId: grant.id, recipient: input.recipient ?? 'requester', recipe: deps.recipe.name };

  const blobKey = packageBlobKey(exportId);
  await mkdir(join(deps.dataDir, EXPORTS_FOLDER), { recursive: true });
  // Registered before anything is written into it: a crash leaves nothing that outlives retention.
  await deps.retention.add({ kind: 'temporary', file: relativeFolder });
  await mkdir(folder);
  try {
    const staging = join(folder, 'staging');
    await mkdir(staging);
    const quarantined: QuarantinedInstance[] = [];
    let written = 0;
    await input.onProgress?.(0, instances.length);
    for (const [i, located] of instances.entries()) {
      const ordinal = i + 1;
      const object = instanceObject(located);
      const stored = await deps.objects.get(located.instance.blobKey);
      if (stored === undefined) throw new MedVeilError('storage', `object ${located.instance.blobKey} of an indexed instance is missing`, { hint: 'restore the object folder from a backup' });
      let chunks: Uint8Array[] | undefined;
      let reason = '';
      try {
        const result = await deidentifyInstance(stored, {
          recipe: deps.recipe,
          pseudonymizer: deps.pseudonymizer,
          ...(deps.pixelRules === undefined ? {} : { pixelRules: deps.pixelRules }),
          ...(deps.findTextRegions === undefined ? {} : { findTextRegions: deps.findTextRegions }),
        });
        if (result.kind === 'instance') chunks = result.chunks;
        else reason = 'a DICOMDIR is rebuilt for the package, never copied';
      } catch (error) {
        if (!(error instanceof MedVeilError) || error.code === 'internal') throw error;
        reason = `${error.code}: ${error.message}`;
      }
      if (chunks === undefined) {
        quarantined.push({ ordinal, reason });
        await deps.audit.append({ type: 'export', outcome: 'minor-failure', actor: who.auditActor, purpose, objects: [object], detail: { ...detail, step: 'instance', ordinal: String(ordinal), reason: 'quarantined' } });
      } else {
        const bytes = Buffer.concat(chunks);
        await writeFile(join(staging, `I${String(ordinal).padStart(7, '0')}`), bytes, { flag: 'wx' });
        written++;
        await deps.audit.append({ type: 'export', outcome: 'success', actor: who.auditActor, purpose, objects: [object], digests: dataDigests(bytes, deps.suite), detail: { ...detail, step: 'instance', ordinal: String(ordinal) } });
      }
      await input.onProgress?.(ordinal, instances.length);
    }
    if (written === 0) throw new MedVeilError('deid', 'no instance of the export could be de-identified, so there is no package', { hint: 'see the export\'s report for the reasons' });

    const media = join(folder, 'media');
    await buildMediaFolder(staging, media, { transfer: 'link' });
    await rm(staging, { recursive: true, force: true });
    const sealed = await sealPackage(deps, media, blobKey, exportId);
    await rm(folder, { recursive: true, force: true });

    const item = await deps.retention.add({ kind: 'export-package', blob: { key: blobKey, dataKeyId: sealed.dataKeyId } });
    await deps.audit.append({
      type: 'export',
      outcome: 'success',
      actor: who.auditActor,
      purpose,
      digests: sealed.digests,
      detail: { ...detail, step: 'package', instances: String(written), quarantined: String(quarantined.length), retentionId: item.id, expiresAt: new Date(item.expiresAt).toISOString() },
    });
    return {
      exportId,
      instances: written,
      quarantined,
      blobKey,
      dataKeyId: sealed.dataKeyId,
      zipBytes: sealed.bytes,
      zipSha256: sealed.digests[0]!.value,
      digests: sealed.digests,
      retentionId: item.id,
      expiresAt: item.expiresAt,
    };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    await deps.objects.delete(blobKey).catch(() => undefined);
    await deps.audit.append({ type: 'export', outcome: 'serious-failure', actor: who.auditActor, purpose, detail: { ...detail, step: 'package', failure: error instanceof MedVeilError ? error.code : 'internal' } }).catch(() => undefined);
    throw error;
  }
}

/** The request's grant, when it allows this export now; otherwise a `deny` event and MedVeilError('access'). */
async function checkExportAllowed(deps: RunExportDeps, request: AccessRequestRecord, who: ActingUser): Promise<Grant> {
  const now = deps.clock.now();
  const refuse = async (reason: string, message: string): Promise<never> => {
    await deps.audit.append({ type: 'deny', outcome: 'success', actor: who.auditActor, detail: { action: 'export', requestId: request.id, reason } });
    throw new MedVeilError('access', message, { hint: 'ask for an export request to be approved, or for a new one' });
  };
  if (request.content.kind !== 'export') return refuse('not-an-export-request', 'this request is for access, not for an export');
  if (who.actor.userId !== request.content.requester) return refuse('not-the-requester', 'only the requester may run the export of their request');
  const grant = request.grant;
  if (request.status !== 'granted' || grant === undefined) return refuse('not-granted', `the request is ${request.status}, not granted`);
  const state = grantState(grant, now);
  if (state !== 'active') return refuse(`grant-${state}`, `the request's grant is ${state}`);
  if (grant.scope.kind !== 'studies') return refuse('grant-scope-unsupported', 'an export covers a list of studies');
  if (!grant.actions.includes('export')) return refuse('grant-without-export', 'the request\'s grant does not allow an export');
  return grant;
}

/** Every instance of the grant's studies, each study allowed by decideAccess through this grant. */
async function grantInstances(deps: RunExportDeps, who: ActingUser, grant: Grant): Promise<LocatedInstance[]> {
  const now = deps.clock.now();
  const allowed = (study: StudyFacts) => {
    const decision = decideAccess({ actor: who.actor, action: 'export', resource: { kind: 'study', study }, grants: [grant], breakGlass: [], now });
    return decision.effect !== 'denied' && decision.grantId === grant.id ? decision.effect : 'denied';
  };
  const out: LocatedInstance[] = [];
  const studyUids = grant.scope.kind === 'studies' ? grant.scope.studyUids : [];
  for (const studyUid of studyUids) {
    const query = { level: 'instance', scope: { studyUid }, matchKeys: [], returnKeys: [], limit: undefined, offset: 0, fuzzy: false, warnings: [] } as const;
    for await (const match of deps.index.findEach(query, { visibility: allowed })) {
      if (match.series === undefined || match.instance === undefined) continue;
      out.push({ study: match.study, series: match.series, instance: match.instance });
    }
  }
  return out;
}

function instanceObject(located: LocatedInstance): AuditObject {
  return {
    study: located.study.studyUid,
    series: located.series.seriesUid,
    instance: located.instance.sopInstanceUid,
    ...(located.study.patientRef === undefined ? {} : { patient: located.study.patientRef }),
  };
}

/**
 * Zips the media folder as a stream into the object store, sealed under the package's own data
 * key, counting and digesting the zip's bytes on the way. Memory holds one file at a time.
 */
async function sealPackage(deps: RunExportDeps, media: string, blobKey: BlobKey, exportId: string): Promise<{ bytes: number; digests: DataDigest[]; dataKeyId: string }> {
  const digester = createDataDigester(deps.suite);
  let bytes = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      digester.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const zip = Readable.from(zipStream(zipEntries(media)));
  zip.on('error', (error) => counting.destroy(error));
  const scope = packageKeyScope(exportId);
  await deps.objects.put(blobKey, zip.pipe(counting), scope);
  const key = await deps.dataKeys.forScope(scope);
  if (key === undefined) throw new MedVeilError('internal', 'internal error (a MedVeil bug): a sealed export package has no data key');
  return { bytes, digests: digester.digests(), dataKeyId: key.id };
}

/** The media folder's files as ZIP entries, in a stable order, named as in the folder, read one at a time. */
async function* zipEntries(root: string, prefix = ''): AsyncGenerator<ZipEntry> {
  for (const entry of (await readdir(join(root, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) yield* zipEntries(root, name);
    else if (entry.isFile()) yield { name, data: await readFile(join(root, name)) };
  }
}
