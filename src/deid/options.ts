import type { ProfileOptionColumn } from './profile.generated.js';

/** The options of PS3.15 E.3, by the names our recipes use. */
export const DEID_OPTIONS = [
  'cleanPixelData',
  'cleanRecognizableVisualFeatures',
  'cleanGraphics',
  'cleanStructuredContent',
  'cleanDescriptors',
  'retainLongitudinalFullDates',
  'retainLongitudinalModifiedDates',
  'retainPatientCharacteristics',
  'retainDeviceIdentity',
  'retainUIDs',
  'retainSafePrivate',
  'retainInstitutionIdentity',
] as const;

export type DeidOption = (typeof DEID_OPTIONS)[number];

const OPTION_SET: ReadonlySet<string> = new Set(DEID_OPTIONS);

export function isDeidOption(name: string): name is DeidOption {
  return OPTION_SET.has(name);
}

/**
 * The column of PS3.15 Table E.1-1 that each option governs. Clean Pixel Data and Clean
 * Recognizable Visual Features have no column: they act on pixels, not attributes (E.3.1, E.3.2).
 */
export const OPTION_COLUMN: Readonly<Record<DeidOption, ProfileOptionColumn | undefined>> = {
  cleanPixelData: undefined,
  cleanRecognizableVisualFeatures: undefined,
  cleanGraphics: 'cleanGraphOpt',
  cleanStructuredContent: 'cleanStructContOpt',
  cleanDescriptors: 'cleanDescOpt',
  retainLongitudinalFullDates: 'rtnLongFullDatesOpt',
  retainLongitudinalModifiedDates: 'rtnLongModifDatesOpt',
  retainPatientCharacteristics: 'rtnPatCharsOpt',
  retainDeviceIdentity: 'rtnDevIdOpt',
  retainUIDs: 'rtnUIDsOpt',
  retainSafePrivate: 'rtnSafePrivOpt',
  retainInstitutionIdentity: 'rtnInstIdOpt',
};

/** Code values of PS3.16 CID 7050 "De-identification Method" (coding scheme DCM). */
export const BASIC_PROFILE_CODE = { value: '113100', meaning: 'Basic Application Confidentiality Profile' } as const;

export const OPTION_CODE: Readonly<Record<DeidOption, { readonly value: string; readonly meaning: string }>> = {
  cleanPixelData: { value: '113101', meaning: 'Clean Pixel Data Option' },
  cleanRecognizableVisualFeatures: { value: '113102', meaning: 'Clean Recognizable Visual Features Option' },
  cleanGraphics: { value: '113103', meaning: 'Clean Graphics Option' },
  cleanStructuredContent: { value: '113104', meaning: 'Clean Structured Content Option' },
  cleanDescriptors: { value: '113105', meaning: 'Clean Descriptors Option' },
  retainLongitudinalFullDates: { value: '113106', meaning: 'Retain Longitudinal Temporal Information Full Dates Option' },
  retainLongitudinalModifiedDates: { value: '113107', meaning: 'Retain Longitudinal Temporal Information Modified Dates Option' },
  retainPatientCharacteristics: { value: '113108', meaning: 'Retain Patient Characteristics Option' },
  retainDeviceIdentity: { value: '113109', meaning: 'Retain Device Identity Option' },
  retainUIDs: { value: '113110', meaning: 'Retain UIDs Option' },
  retainSafePrivate: { value: '113111', meaning: 'Retain Safe Private Option' },
  retainInstitutionIdentity: { value: '113112', meaning: 'Retain Institution Identity Option' },
};
