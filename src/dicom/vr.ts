/** Value representations of PS3.5 6.2. */
export const VRS = [
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV',
  'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV',
] as const;
export type VR = (typeof VRS)[number];

const VR_SET: ReadonlySet<string> = new Set(VRS);

export function isVR(text: string): text is VR {
  return VR_SET.has(text);
}

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
const LONG_HEADER: ReadonlySet<VR> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
export function hasLongHeader(vr: VR): boolean {
  return LONG_HEADER.has(vr);
}

/** VRs holding character strings. */
const STRING: ReadonlySet<VR> = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
export function isStringVR(vr: VR): boolean {
  return STRING.has(vr);
}

/** VRs whose text is decoded with the Specific Character Set (PS3.5 6.1.2.3); the rest are ASCII. */
const CHARSET_TEXT: ReadonlySet<VR> = new Set(['SH', 'LO', 'ST', 'LT', 'UC', 'UT', 'PN']);
export function usesSpecificCharacterSet(vr: VR): boolean {
  return CHARSET_TEXT.has(vr);
}

/** VRs whose value is a single string where backslash is not a separator (PS3.5 6.2). */
const SINGLE_VALUED_TEXT: ReadonlySet<VR> = new Set(['LT', 'ST', 'UT', 'UR']);
export function isSingleValuedText(vr: VR): boolean {
  return SINGLE_VALUED_TEXT.has(vr);
}

/** Byte size of one value for binary numeric VRs; 0 for the rest. Used to swap byte order. */
export function numericWidth(vr: VR): number {
  switch (vr) {
    case 'US': case 'SS': case 'OW': return 2;
    case 'UL': case 'SL': case 'FL': case 'OF': case 'OL': case 'AT': return 4;
    case 'FD': case 'OD': case 'SV': case 'UV': case 'OV': return 8;
    default: return 0;
  }
}

/** Padding byte for odd-length values (PS3.5 6.2): UI and binary VRs pad with NUL, text with space. */
export function paddingByte(vr: VR): number {
  return vr === 'UI' || !isStringVR(vr) ? 0x00 : 0x20;
}

/** Maximum length in bytes (or characters, for the charset VRs) of one value (PS3.5 Table 6.2-1). */
export const MAX_VALUE_LENGTH: Partial<Record<VR, number>> = {
  AE: 16, AS: 4, CS: 16, DA: 8, DS: 16, DT: 26, IS: 12, LO: 64, LT: 10240, PN: 64 * 5, SH: 16, ST: 1024, TM: 14, UI: 64,
};
