import { ATTRIBUTE_ROWS, REPEATING_ROWS, Tag } from './dictionary/attributes.generated.js';
import { isPrivateCreatorTag, isPrivateTag } from './tag.js';
import { type VR, isVR } from './vr.js';

export interface AttributeInfo {
  readonly tag: number;
  readonly keyword: string;
  readonly vr: VR;
  readonly vm: string;
  readonly retired: boolean;
}

const BY_TAG = new Map<number, AttributeInfo>();
for (const [tag, keyword, vr, vm, retired] of ATTRIBUTE_ROWS) {
  BY_TAG.set(tag, { tag, keyword, vr: isVR(vr) ? vr : 'UN', vm, retired: retired === 1 });
}
const REPEATING = REPEATING_ROWS.map(([value, mask, keyword, vr, vm, retired]) => ({
  value, mask, keyword, vr: (isVR(vr) ? vr : 'UN') as VR, vm, retired: retired === 1,
}));
const KEYWORDS: ReadonlyMap<string, number> = new Map(Object.entries(Tag));

/** The PS3.6 entry for a tag, including repeating groups such as (60xx,3000). */
export function lookupAttribute(tag: number): AttributeInfo | undefined {
  const exact = BY_TAG.get(tag);
  if (exact) return exact;
  if ((tag & 0xffff) === 0x0000) {
    return { tag, keyword: 'GroupLength', vr: 'UL', vm: '1', retired: true };
  }
  if (isPrivateCreatorTag(tag)) {
    return { tag, keyword: 'PrivateCreator', vr: 'LO', vm: '1', retired: false };
  }
  if (isPrivateTag(tag)) return undefined;
  for (const row of REPEATING) {
    if (((tag & row.mask) >>> 0) === row.value) return { tag, keyword: row.keyword, vr: row.vr, vm: row.vm, retired: row.retired };
  }
  return undefined;
}

/** The VR that implicit-VR data implies for a tag (PS3.5 A.1); UN when the dictionary does not know it. */
export function implicitVR(tag: number): VR {
  return lookupAttribute(tag)?.vr ?? 'UN';
}

/** The tag of a PS3.6 keyword; undefined for an unknown keyword (callers treat that as an error). */
export function tagForKeyword(keyword: string): number | undefined {
  return KEYWORDS.get(keyword);
}

/** Repeating-group keywords (OverlayData, CurveData, ...) map to their 50xx/60xx pattern. */
export function repeatingPatternForKeyword(keyword: string): { value: number; mask: number } | undefined {
  const row = REPEATING.find((r) => r.keyword === keyword);
  return row ? { value: row.value, mask: row.mask } : undefined;
}
