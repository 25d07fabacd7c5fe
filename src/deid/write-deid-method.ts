/**
 * The attributes that say how a dataset was de-identified: Patient Identity Removed (0012,0062),
 * De-identification Method (0012,0063), De-identification Method Code Sequence (0012,0064) with
 * PS3.16 CID 7050 codes, and Longitudinal Temporal Information Modified (0028,0303)
 * (PS3.15 E.1.1 step 3, PS3.3 C.7.1.1).
 */
import { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { writeAsciiValues } from './element-text.js';
import { BASIC_PROFILE_CODE, DEID_OPTIONS, type DeidOption, OPTION_CODE } from './options.js';

export interface DeidMethod {
  readonly patientIdentityRemoved: boolean;
  /** In the order of DEID_OPTIONS. */
  readonly optionsApplied: readonly DeidOption[];
  readonly recipeName: string;
}

const LO_MAX = 64;

export function writeDeidMethod(dataset: Dataset, method: DeidMethod): void {
  writeAsciiValues(dataset, Tag.PatientIdentityRemoved, 'CS', [method.patientIdentityRemoved ? 'YES' : 'NO']);
  const recipe = `MedVeil recipe ${method.recipeName}`.slice(0, LO_MAX);
  const methodText = ['MedVeil PS3.15 Basic Application Confidentiality Profile', recipe];
  // A recipe name outside printable ASCII goes through the character set in force.
  if (/^[\x20-\x5b\x5d-\x7e]*$/.test(recipe)) writeAsciiValues(dataset, Tag.DeidentificationMethod, 'LO', methodText);
  else dataset.setStrings(Tag.DeidentificationMethod, methodText, 'LO');
  const codes = [BASIC_PROFILE_CODE, ...DEID_OPTIONS.filter((o) => method.optionsApplied.includes(o)).map((o) => OPTION_CODE[o])];
  const items = codes.map((code) => {
    const item = new Dataset(dataset.encoding, dataset);
    writeAsciiValues(item, Tag.CodeValue, 'SH', [code.value]);
    writeAsciiValues(item, Tag.CodingSchemeDesignator, 'SH', ['DCM']);
    writeAsciiValues(item, Tag.CodeMeaning, 'LO', [code.meaning]);
    return item;
  });
  dataset.set({ tag: Tag.DeidentificationMethodCodeSequence, vr: 'SQ', items });
  const options = method.optionsApplied;
  const temporal = options.includes('retainLongitudinalModifiedDates')
    ? 'MODIFIED'
    : options.includes('retainLongitudinalFullDates') ? 'UNMODIFIED' : 'REMOVED';
  writeAsciiValues(dataset, Tag.LongitudinalTemporalInformationModified, 'CS', [temporal]);
}
