/**
 * `medveil serve` ready for authorized WADO-RS: the objects stored through STOW-RS by a
 * technician of the radiology department, and a radiologist of that department given a care
 * relationship with every patient (through the API, with the patient references the audit log's
 * ingest events name), so that every retrieval is decided `full` and served.
 */
import { MedVeilError } from '../../src/errors.js';
import { apiClient, provisionAccounts, signIn } from '../ingest/provision-accounts.js';
import { readIngestEvents } from '../ingest/read-ingest-events.js';
import { startMedveilServe } from '../ingest/start-medveil-serve.js';
import { stowToMedveil } from './load-objects.js';

export interface MedveilForWado {
  readonly url: string;
  readonly authorization: string;
  /** With `maskedReader`: a radiologist of the department without a care relationship (decision `masked`, docs/access.md). */
  readonly maskedAuthorization?: string;
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<number>;
}

/** Thrown when the server has no DICOMweb routes: the benchmark says so rather than measuring anything. */
export class DicomwebMissing extends MedVeilError {
  constructor(detail: string) {
    super('http', `medveil: WADO-RS not available (${detail})`);
  }
}

const TECHNICIAN = 'bench-modality';
const RADIOLOGIST = 'bench-radiologist';
const MASKED_READER = 'bench-reader';

export async function startMedveilForWado(options: { folder: string; medveilBin: string; corpusRoot: string; files: readonly string[]; instances: readonly string[]; nodeArgs?: readonly string[]; maskedReader?: boolean }): Promise<MedveilForWado> {
  const server = await startMedveilServe({ folder: options.folder, medveilBin: options.medveilBin, ...(options.nodeArgs === undefined ? {} : { nodeArgs: options.nodeArgs }) });
  try {
    const api = apiClient(server.url);
    const { adminToken, passwords } = await provisionAccounts(api, {
      bootstrapCode: server.bootstrapCode,
      departments: ['radiology'],
      users: [
        { userName: TECHNICIAN, roles: ['technician'], departments: ['radiology'] },
        { userName: RADIOLOGIST, roles: ['radiologist'], departments: ['radiology'] },
        ...(options.maskedReader === true ? [{ userName: MASKED_READER, roles: ['radiologist'], departments: ['radiology'] }] : []),
      ],
    });
    const technician = await signIn(api, TECHNICIAN, passwords.get(TECHNICIAN)!);
    const probe = await fetch(`${server.url}/dicom-web/studies`, { headers: { authorization: `Bearer ${technician}`, accept: 'application/dicom+json' } });
    if (probe.status === 404) throw new DicomwebMissing('GET /dicom-web/studies answers 404: medveil serve does not register the DICOMweb routes');
    await stowToMedveil({ url: server.url, token: technician, corpusRoot: options.corpusRoot, files: options.files });
    const record = readIngestEvents(options.medveilBin, server.dataDir, 'stow-rs');
    const missing = options.instances.filter((uid) => !record.stored.has(uid));
    if (missing.length > 0 || !record.logVerifies) {
      throw new MedVeilError('io', `medveil recorded ${record.stored.size} of ${options.instances.length} instances stored through STOW-RS (log ${record.logVerifies ? 'verifies' : 'does not verify'})`);
    }
    for (const patientRef of record.patientRefs) await api.call('PUT', `/api/users/${RADIOLOGIST}/care/${encodeURIComponent(patientRef)}`, undefined, adminToken);
    const radiologist = await signIn(api, RADIOLOGIST, passwords.get(RADIOLOGIST)!);
    const masked = options.maskedReader === true ? { maskedAuthorization: `Bearer ${await signIn(api, MASKED_READER, passwords.get(MASKED_READER)!)}` } : {};
    return { url: server.url, authorization: `Bearer ${radiologist}`, ...masked, pid: server.pid, logFile: server.logFile, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
