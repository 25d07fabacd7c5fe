/**
 * A study for the export tests (issue 6, acceptance 4): ultrasound images with a patient's name
 * and IDs in the header and text burned into the top band that the bundled "generic ultrasound
 * top band" pixel rule covers (the top 64 rows of an US image of 200 rows or more).
 */
import { Tag } from '../../src/dicom/tag.js';
import { encodeDicomFile } from '../../src/dicom/write-dicom-file.js';
import { burnedInTextFile, renderBurnedInText } from './burned-in-text.js';

export const PLANTED_STUDY_UID = '1.2.826.0.1.3680043.10.999.1';
/** Every token planted, in the header or the pixels; none may survive an export. */
export const PLANTED_TOKENS = ['KOWALCZYK', 'WIESLAWA', 'PID77120931', 'ACC55190', 'BURNEDNAME', 'BURNED4471'];
/** The rows the bundled rule fills. */
export const RULE_BAND_ROWS = 64;

export async function plantedExportInstance(n: number): Promise<Uint8Array> {
  const image = renderBurnedInText({
    width: 640, height: 480, bits: 8, background: { kind: 'anatomy-like', seed: n, level: 0.3 },
    texts: [{ text: 'BURNEDNAME BURNED4471', x: 16, y: 12, font: 'DejaVu Sans', size: 24 }],
  });
  const file = await burnedInTextFile(image, { modality: 'US' });
  file.dataset.setString(Tag.PatientName, 'KOWALCZYK^WIESLAWA');
  file.dataset.setString(Tag.PatientID, 'PID77120931');
  file.dataset.setString(Tag.AccessionNumber, 'ACC55190');
  file.dataset.setString(Tag.StudyInstanceUID, PLANTED_STUDY_UID);
  file.dataset.setString(Tag.SeriesInstanceUID, `${PLANTED_STUDY_UID}.1`);
  file.dataset.setString(Tag.SOPInstanceUID, `${PLANTED_STUDY_UID}.1.${n}`);
  file.meta.setString(Tag.MediaStorageSOPInstanceUID, `${PLANTED_STUDY_UID}.1.${n}`);
  return encodeDicomFile(file);
}
