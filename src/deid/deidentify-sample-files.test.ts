/**
 * The engine on real files: pydicom's sample files, read by our reader, de-identified with the
 * real keyed pseudonymizer under each shipped recipe, written by our writer, read back and
 * searched for every identifying value and UID of the original. (That every output of the
 * Basic Profile passes dcmdump and dciodvfy is test/deid-pydicom.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Dataset } from '../dicom/dataset.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag, isPrivateCreatorTag, isPrivateTag } from '../dicom/tag.js';
import { writeDicomFile } from '../dicom/write-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { deidentifyDataset } from './deidentify-dataset.js';
import { deidentifyFileMeta } from './deidentify-file-meta.js';
import { loadRecipeFile } from './load-recipe.js';
import { createPseudonymizer } from './pseudonym/index.js';
import { pydicomData } from '../../test/support/pydicom-files.js';
import { repoRoot } from '../../test/support/repo-root.js';



const SAMPLES = [
  'CT_small.dcm', 'MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'rtplan.dcm', 'rtstruct.dcm',
  'rtdose.dcm', 'test-SR.dcm', 'reportsi.dcm', 'waveform_ecg.dcm', 'nested_priv_SQ.dcm', 'priv_SQ.dcm',
  'UN_sequence.dcm', 'liver_1frame.dcm', 'image_dfl.dcm', 'ExplVR_BigEnd.dcm', 'GDCMJ2K_TextGBR.dcm',
];

const IDENTIFYING = [Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.ReferringPhysicianName, Tag.InstitutionName,
  Tag.AccessionNumber, Tag.OperatorsName, Tag.PerformingPhysicianName, Tag.StationName, Tag.InstitutionAddress];

function* walk(dataset: Dataset): Generator<[Dataset, number]> {
  for (const tag of dataset.tags()) {
    yield [dataset, tag];
    for (const item of dataset.get(tag)?.items ?? []) yield* walk(item);
  }
}

function uids(dataset: Dataset): string[] {
  const out: string[] = [];
  for (const [d, tag] of walk(dataset)) if (d.get(tag)?.vr === 'UI') out.push(...d.getStrings(tag).filter((v) => v !== ''));
  return out;
}

const key = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);

for (const recipeName of ['basic', 'research']) {
  test(`${recipeName} recipe on pydicom's sample files: no identifying value or original UID survives`, () => {
    const folder = join(pydicomData().root, 'test_files');
    const recipe = loadRecipeFile(join(repoRoot(), 'recipes', `${recipeName}.yaml`));
    const pseudonymizer = createPseudonymizer(key);
    let checked = 0;
    for (const name of SAMPLES) {
      const input = readFileSync(join(folder, name));
      const file = readDicomFile(input);
      const secrets = new Set<string>();
      for (const tag of IDENTIFYING) for (const v of file.dataset.getStrings(tag)) if (v.trim().length >= 4) secrets.add(v.trim());
      const originalUids = uids(file.dataset).filter((u) => !pseudonymizer.isWellKnownUid(u));
      let report;
      try {
        report = deidentifyDataset(file.dataset, { recipe, pseudonymizer });
      } catch (error) {
        assert.ok(error instanceof MedVeilError && error.code === 'deid', `${name}: only a deid refusal may stop it`);
        assert.equal(file.dataset.getString(Tag.BurnedInAnnotation), 'YES', `${name}: refused for burned-in annotation`);
        continue;
      }
      deidentifyFileMeta(file.meta, file.dataset);
      const output = Buffer.concat(writeDicomFile(file, { preamble: 'zero' }));

      const reread = readDicomFile(output);
      for (const [d, tag] of walk(reread.dataset)) {
        const element = d.get(tag)!;
        if (element.vr === 'SQ' || !element.value) continue;
        for (const v of d.getStrings(tag)) assert.equal(secrets.has(v.trim()), false, `${name}: an identifying value survived`);
        if (recipeName === 'basic') assert.equal(isPrivateTag(tag) && !isPrivateCreatorTag(tag), false, `${name}: private element kept`);
      }
      // Short values (a manufacturer's name as institution) also occur inside harmless values; compare those per element only.
      for (const secret of secrets) {
        if (secret.length >= 8) assert.equal(output.includes(Buffer.from(secret, 'latin1')), false, `${name}: identifying bytes survived`);
      }
      const outputUids = uids(reread.dataset).concat(reread.meta.getStrings(Tag.MediaStorageSOPInstanceUID));
      for (const uid of outputUids) assert.ok(uid.startsWith('2.25.') || pseudonymizer.isWellKnownUid(uid), `${name}: UID not remapped`);
      for (const uid of originalUids) assert.equal(outputUids.includes(uid), false, `${name}: original UID survived`);
      assert.equal(reread.meta.getString(Tag.MediaStorageSOPInstanceUID), reread.dataset.getString(Tag.SOPInstanceUID));
      assert.equal(reread.meta.has(Tag.SourceApplicationEntityTitle), false);
      assert.ok(['YES', 'NO'].includes(reread.dataset.getString(Tag.PatientIdentityRemoved) ?? ''), name);
      assert.ok(report.entries.length > 0);
      checked++;
    }
    assert.ok(checked >= SAMPLES.length - 2, `only ${checked} files checked`);
  });
}

test('the real pseudonymizer maps one patient the same way in two files', () => {
  const folder = join(pydicomData().root, 'test_files');
  const recipe = loadRecipeFile(join(repoRoot(), 'recipes', 'research.yaml'));
  const results = ['MR_small.dcm', 'MR_small_implicit.dcm'].map((name) => {
    const file = readDicomFile(readFileSync(join(folder, name)));
    deidentifyDataset(file.dataset, { recipe, pseudonymizer: createPseudonymizer(key) });
    return file.dataset;
  });
  for (const tag of [Tag.PatientID, Tag.PatientName, Tag.StudyInstanceUID, Tag.SOPInstanceUID, Tag.StudyDate]) {
    assert.equal(results[0]!.getString(tag), results[1]!.getString(tag));
  }
  assert.equal(results[0]!.getString(Tag.LongitudinalTemporalInformationModified), 'MODIFIED');
});
