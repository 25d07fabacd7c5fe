/**
 * The input of the pixels benchmark: 2048x2048 CR images (16 bits allocated, 12 stored,
 * MONOCHROME2, Pillow's anatomy-like texture) with a name, an ID, a birth date, an institution,
 * an accession number and a date and time burned into their corners in several fonts and sizes,
 * as modalities write them, and a few images without text. A pixel rules file names the
 * device's header band (the top left, where the name line is); everything else must be found by
 * OCR. `corpus.json`, written last, holds where each text's ink lies and marks a finished corpus,
 * so later runs reuse it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tag } from '../../src/dicom/tag.js';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import { burnedInTextFile, type PlantedBox, type PlantedText, renderBurnedInText } from '../../test/support/burned-in-text.js';
import { type ImagePlan, planImages, RULE_REGION, SIZE } from './pixel-corpus-plan.js';

export interface PlantedToken {
  /** The planted text (bench data, no real person). */
  readonly text: string;
  readonly box: PlantedBox;
  /** Whether the rules file's rectangle covers the whole box, so that rules alone fill it. */
  readonly byRule: boolean;
}

export interface CorpusImage {
  /** Relative to the corpus's `images` folder. */
  readonly file: string;
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly tokens: readonly PlantedToken[];
}

export interface PixelCorpus {
  readonly version: number;
  readonly images: readonly CorpusImage[];
  /** The pixel rules file (`--pixel-rules`), relative to the corpus root. */
  readonly rulesFile: string;
}

/** Bump when the corpus changes shape, so older corpora are rebuilt. */
const CORPUS_VERSION = 2;

export const MANUFACTURER = 'MedVeil Test Imaging';
export const MODEL = 'BENCH-CR 2048';

export async function ensurePixelCorpus(root: string, counts: { withText: number; withoutText: number }, log: (line: string) => void): Promise<PixelCorpus> {
  const manifestPath = join(root, 'corpus.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PixelCorpus;
    const withText = manifest.images.filter((i) => i.tokens.length > 0).length;
    const complete = manifest.images.every((i) => existsSync(join(root, 'images', i.file)));
    if (manifest.version === CORPUS_VERSION && complete && withText === counts.withText && manifest.images.length - withText === counts.withoutText) {
      log(`reusing the pixels corpus: ${manifest.images.length} images`);
      return manifest;
    }
  }
  log(`building the pixels corpus: ${counts.withText} images with burned-in text and ${counts.withoutText} without, ${SIZE}x${SIZE} (Pillow renders each, a few seconds apiece)`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'images'), { recursive: true });
  const images: CorpusImage[] = [];
  for (const [index, plan] of planImages(counts).entries()) images.push(await writeImage(root, plan, index));
  const rulesFile = 'bench-pixel-rules.json';
  writeFileSync(join(root, rulesFile), `${JSON.stringify(benchPixelRules(), null, 1)}\n`);
  const manifest: PixelCorpus = { version: CORPUS_VERSION, images, rulesFile };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

/** The rules file: the bench device's header band, as a site would describe its CR. */
export function benchPixelRules(): object {
  return {
    rules: [{
      name: 'bench CR header band',
      source: 'the pixels benchmark: its CR burns the patient name into the top left',
      match: { manufacturer: MANUFACTURER, model: MODEL, modality: 'CR', rows: SIZE, columns: SIZE },
      regions: [RULE_REGION],
    }],
  };
}

async function writeImage(root: string, plan: ImagePlan, index: number): Promise<CorpusImage> {
  const rendered = renderBurnedInText({ width: SIZE, height: SIZE, bits: 16, background: { kind: 'anatomy-like', seed: 500 + index, level: plan.level }, texts: plan.texts as PlantedText[] });
  const file = `cr-${String(index).padStart(3, '0')}.dcm`;
  const image: CorpusImage = {
    file,
    studyUid: plan.studyUid,
    seriesUid: plan.seriesUid,
    sopInstanceUid: plan.sopInstanceUid,
    tokens: plan.texts.map((text, i) => ({ text: text.text, box: rendered.boxes[i]!, byRule: inside(rendered.boxes[i]!) })),
  };
  const dicom = await burnedInTextFile(rendered, { modality: 'CR', bitsStored: 12 });
  const d = dicom.dataset;
  d.setString(Tag.Manufacturer, MANUFACTURER);
  d.setString(Tag.ManufacturerModelName, MODEL);
  d.setString(Tag.PatientName, plan.patientName);
  d.setString(Tag.PatientID, plan.patientId);
  d.setString(Tag.PatientBirthDate, plan.birthDate);
  d.setString(Tag.StudyInstanceUID, plan.studyUid);
  d.setString(Tag.SeriesInstanceUID, plan.seriesUid);
  d.setString(Tag.SOPInstanceUID, plan.sopInstanceUid);
  d.setString(Tag.StudyDate, plan.studyDate);
  d.setString(Tag.AccessionNumber, plan.accession);
  d.setString(Tag.StudyID, '1');
  d.setString(Tag.SeriesNumber, '1');
  d.setString(Tag.InstanceNumber, '1');
  d.setString(Tag.BodyPartExamined, 'CHEST');
  d.setString(Tag.BurnedInAnnotation, plan.texts.length > 0 ? 'YES' : 'NO');
  dicom.meta.setString(Tag.MediaStorageSOPInstanceUID, plan.sopInstanceUid, 'UI');
  dicom.meta.setString(Tag.MediaStorageSOPClassUID, d.getString(Tag.SOPClassUID)!, 'UI');
  writeFileSync(join(root, 'images', file), encodeDicomFile(dicom));
  return image;
}

function inside(box: PlantedBox): boolean {
  return box.left >= RULE_REGION.left && box.top >= RULE_REGION.top && box.left + box.width <= RULE_REGION.left + RULE_REGION.width && box.top + box.height <= RULE_REGION.top + RULE_REGION.height;
}
