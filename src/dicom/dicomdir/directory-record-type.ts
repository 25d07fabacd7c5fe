/**
 * Directory Record Types (0004,1430) of PS3.3 F.4 Table F.4-1, and which one references an
 * instance of a given SOP Class. The record types listed are those whose keys MedVeil knows
 * (`record-keys.ts`); an instance of any other non-image SOP Class cannot be put on media.
 */

/** The record types above the instance level (PS3.3 F.5.1-F.5.3). */
export type EntityRecordType = 'PATIENT' | 'STUDY' | 'SERIES';

/** The record types that reference one instance, below a SERIES record (PS3.3 Table F.4-1). */
export type InstanceRecordType =
  | 'IMAGE'
  | 'RT DOSE'
  | 'RT STRUCTURE SET'
  | 'RT PLAN'
  | 'RT TREAT RECORD'
  | 'PRESENTATION'
  | 'WAVEFORM'
  | 'SR DOCUMENT'
  | 'KEY OBJECT DOC'
  | 'SPECTROSCOPY'
  | 'RAW DATA'
  | 'REGISTRATION'
  | 'FIDUCIAL'
  | 'ENCAP DOC'
  | 'VALUE MAP';

export type DirectoryRecordType = EntityRecordType | InstanceRecordType;

const STORAGE = '1.2.840.10008.5.1.4.1.1.';

/** SOP Classes named one by one (PS3.4 Annex B.5 and the record definitions of PS3.3 F.5). */
const BY_SOP_CLASS: ReadonlyMap<string, InstanceRecordType> = new Map([
  [`${STORAGE}481.2`, 'RT DOSE'],
  [`${STORAGE}481.3`, 'RT STRUCTURE SET'],
  [`${STORAGE}481.4`, 'RT TREAT RECORD'], // RT Beams Treatment Record
  [`${STORAGE}481.5`, 'RT PLAN'],
  [`${STORAGE}481.6`, 'RT TREAT RECORD'], // RT Brachy Treatment Record
  [`${STORAGE}481.7`, 'RT TREAT RECORD'], // RT Treatment Summary Record
  [`${STORAGE}481.8`, 'RT PLAN'], // RT Ion Plan
  [`${STORAGE}481.9`, 'RT TREAT RECORD'], // RT Ion Beams Treatment Record
  [`${STORAGE}88.59`, 'KEY OBJECT DOC'],
  [`${STORAGE}4.2`, 'SPECTROSCOPY'], // MR Spectroscopy
  [`${STORAGE}66`, 'RAW DATA'],
  [`${STORAGE}66.1`, 'REGISTRATION'], // Spatial Registration
  [`${STORAGE}66.2`, 'FIDUCIAL'], // Spatial Fiducials
  [`${STORAGE}66.3`, 'REGISTRATION'], // Deformable Spatial Registration
  [`${STORAGE}67`, 'VALUE MAP'], // Real World Value Mapping
  [`${STORAGE}104.1`, 'ENCAP DOC'], // PDF
  [`${STORAGE}104.2`, 'ENCAP DOC'], // CDA
  [`${STORAGE}104.3`, 'ENCAP DOC'], // STL
  [`${STORAGE}104.4`, 'ENCAP DOC'], // OBJ
  [`${STORAGE}104.5`, 'ENCAP DOC'], // MTL
]);

/** SOP Class families by UID prefix: every SR Storage class, every Presentation State, every Waveform. */
const BY_PREFIX: readonly (readonly [string, InstanceRecordType])[] = [
  [`${STORAGE}88.`, 'SR DOCUMENT'],
  [`${STORAGE}11.`, 'PRESENTATION'],
  [`${STORAGE}9.`, 'WAVEFORM'],
];

/**
 * The record type that references an instance of `sopClassUid`. Image storage classes are too
 * many to list and grow with every edition; any other class whose instance holds pixel data
 * (Pixel Data, Float or Double Float Pixel Data) is an IMAGE. Undefined when none fits.
 */
export function instanceRecordTypeFor(sopClassUid: string, hasPixelData: boolean): InstanceRecordType | undefined {
  const named = BY_SOP_CLASS.get(sopClassUid);
  if (named !== undefined) return named;
  for (const [prefix, type] of BY_PREFIX) {
    if (sopClassUid.startsWith(prefix)) return type;
  }
  return hasPixelData ? 'IMAGE' : undefined;
}
