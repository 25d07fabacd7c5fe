/**
 * The inputs of the ingest benchmark, one folder per workload: 2048x2048 16-bit CR studies (8 MiB
 * images, like a CR/DX archive), 512x512 CR studies (many smaller objects, where per-object costs
 * show), and pydicom's sample files that every receiver can take as they are. A warm-up set with
 * UIDs of its own primes each receiver before it is measured. A `corpus.json` written last marks
 * a finished corpus, so later runs reuse it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tag } from '../../src/dicom/tag.js';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import { syntheticCorpus, type SyntheticCorpus } from '../../src/samples/synthetic-corpus.js';
import { listFiles } from '../deid/list-files.js';
import { selectPydicomFiles } from './select-pydicom-files.js';

export type WorkloadName = 'cr-2048' | 'cr-512' | 'pydicom';

export interface Workload {
  readonly name: WorkloadName;
  /** What the files are, for the report. */
  readonly describes: string;
  /** Folder of the workload, relative to the corpus root. */
  readonly folder: string;
  /** The files, relative to `folder`, in sending order. */
  readonly files: readonly string[];
  /** The study each file belongs to, by index into `files` (parallel senders split by study). */
  readonly studies: readonly string[];
  /** The SOP Instance UID of each file, by index into `files`. */
  readonly instances: readonly string[];
  readonly bytes: number;
}

export interface IngestCorpus {
  readonly version: number;
  readonly workloads: readonly Workload[];
  readonly warmUp: Workload;
  /** pydicom samples left out, by reason (they cannot be stored as distinct, consistent instances). */
  readonly pydicomLeftOut: Readonly<Record<string, number>>;
}

/** Bump when the corpus changes shape, so older corpora are rebuilt. */
const CORPUS_VERSION = 2;

interface SyntheticPlan {
  readonly name: WorkloadName | 'warm-up';
  readonly patients: number;
  readonly imagesPerPatient: number;
  readonly imageSize: number;
}

const SYNTHETIC_PLANS: readonly SyntheticPlan[] = [
  // 24 patients x (4 CR + 1 SR): 96 images of 8 MiB, about 800 MB.
  { name: 'cr-2048', patients: 24, imagesPerPatient: 4, imageSize: 2048 },
  // 120 patients x (4 CR + 1 SR): 480 images of 512 KiB, about 250 MB in 600 objects.
  { name: 'cr-512', patients: 120, imagesPerPatient: 4, imageSize: 512 },
  { name: 'warm-up', patients: 4, imagesPerPatient: 2, imageSize: 256 },
];

/** A few patients per seed, so that no more than a few dozen large images are in memory at once. */
const PATIENTS_PER_SEED = 4;

export function ensureIngestCorpus(root: string, log: (line: string) => void): IngestCorpus {
  const manifestPath = join(root, 'corpus.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as IngestCorpus;
    const complete = [...manifest.workloads, manifest.warmUp].every((w) => listFiles(join(root, w.folder)).length === w.files.length);
    if (manifest.version === CORPUS_VERSION && complete) {
      log(`reusing the ingest corpus: ${manifest.workloads.map((w) => `${w.name} ${w.files.length} files`).join(', ')}`);
      return manifest;
    }
  }
  log('building the ingest corpus (synthetic CR studies of 2048 and 512 pixels, pydicom samples)');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const synthetic = new Map(SYNTHETIC_PLANS.map((plan) => [plan.name, writeSynthetic(root, plan)]));
  const pydicom = selectPydicomFiles(join(root, 'pydicom'));
  const pydicomWorkload: Workload = {
    name: 'pydicom',
    describes: `pydicom's sample files that are distinct, consistent storage instances (${pydicom.files.length} of ${pydicom.considered})`,
    folder: 'pydicom',
    files: pydicom.files.map((f) => f.path),
    studies: pydicom.files.map((f) => f.studyUid),
    instances: pydicom.files.map((f) => f.sopInstanceUid),
    bytes: pydicom.files.reduce((sum, f) => sum + statSync(join(root, 'pydicom', f.path)).size, 0),
  };
  const manifest: IngestCorpus = {
    version: CORPUS_VERSION,
    workloads: [synthetic.get('cr-2048')!, synthetic.get('cr-512')!, pydicomWorkload],
    warmUp: synthetic.get('warm-up')!,
    pydicomLeftOut: pydicom.leftOut,
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  log(`built ${manifest.workloads.map((w) => `${w.name}: ${w.files.length} files, ${(w.bytes / 1e6).toFixed(0)} MB`).join('; ')}`);
  return manifest;
}

function writeSynthetic(root: string, plan: SyntheticPlan): Workload {
  const files: string[] = [];
  const studies: string[] = [];
  const instances: string[] = [];
  let bytes = 0;
  for (let first = 0, group = 0; first < plan.patients; first += PATIENTS_PER_SEED, group++) {
    const corpus = syntheticCorpus({
      patients: Math.min(PATIENTS_PER_SEED, plan.patients - first),
      imagesPerPatient: plan.imagesPerPatient,
      imageSize: plan.imageSize,
      seed: `medveil-bench-ingest-${plan.name}-${group}`,
    });
    for (const { file, relativePath } of corpus.files) {
      const path = `group-${group}/${relativePath}`;
      const target = join(root, plan.name, path);
      mkdirSync(dirname(target), { recursive: true });
      const encoded = encodeDicomFile(file);
      writeFileSync(target, encoded);
      files.push(path);
      studies.push(file.dataset.getString(Tag.StudyInstanceUID)!);
      instances.push(file.dataset.getString(Tag.SOPInstanceUID)!);
      bytes += encoded.length;
    }
  }
  const images = plan.patients * plan.imagesPerPatient;
  return {
    name: plan.name as WorkloadName,
    describes: `${plan.patients} patients x (${plan.imagesPerPatient} CR of ${plan.imageSize}x${plan.imageSize} 16-bit + 1 SR): ${images} images, explicit VR little endian`,
    folder: plan.name,
    files,
    studies,
    instances,
    bytes,
  };
}

