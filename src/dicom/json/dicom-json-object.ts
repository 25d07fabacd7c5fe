/**
 * The DICOM JSON Model (PS3.18 F.2): a dataset is an object whose property names are tags as
 * eight uppercase hexadecimal digits, ascending, each naming an attribute object.
 */
import type { PersonNameJson } from '../person-name.js';
import type { VR } from '../vr.js';

/** One Person Name value: its non-empty component groups (PS3.18 F.2.2). */
export type DicomJsonPersonName = PersonNameJson;

/**
 * One value of a "Value" array (PS3.18 Table F.2.3-1): a string or number by VR, a person name,
 * a sequence item, or null for an empty value inside a multi-valued attribute (PS3.18 F.2.5).
 */
export type DicomJsonValue = string | number | DicomJsonPersonName | DicomJsonObject | null;

/** An attribute object: the VR and at most one of Value, BulkDataURI, InlineBinary (PS3.18 F.2.2). */
export interface DicomJsonAttribute {
  vr: VR;
  Value?: DicomJsonValue[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export type DicomJsonObject = { [tag: string]: DicomJsonAttribute };

/** "00100010": the property name of a tag (PS3.18 F.2.2), also the JSON form of an AT value (F.2.3). */
export function jsonTagKey(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** VRs whose value may be given as a BulkDataURI (PS3.18 F.2.2). */
export const BULK_DATA_VRS: ReadonlySet<VR> = new Set<VR>([
  'DS', 'FL', 'FD', 'IS', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SL', 'SS', 'ST', 'SV', 'UC', 'UL', 'UN', 'US', 'UT', 'UV',
]);

/** VRs whose value is carried as InlineBinary base64 rather than a Value array (PS3.18 F.2.2, F.2.7). */
export const INLINE_BINARY_VRS: ReadonlySet<VR> = new Set<VR>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
