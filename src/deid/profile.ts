/**
 * PS3.15 Table E.1-1 as data: typed rows from the generated table, with a lookup by tag.
 */
import { lookupAttribute } from '../dicom/dictionary.js';
import { isPrivateTag } from '../dicom/tag.js';
import { internalError } from '../errors.js';
import { PROFILE_ROWS, type ProfileOptionColumn } from './profile.generated.js';

/** The single actions of PS3.15 E.1.1 (Table E.1-1 legend). */
export const ACTIONS = ['D', 'Z', 'X', 'K', 'C', 'U'] as const;
export type Action = (typeof ACTIONS)[number];

/** The codes the table uses: the single actions and the combinations that depend on the IOD's Type. */
export const PROFILE_CODES = [...ACTIONS, 'X/Z', 'X/D', 'X/Z/D', 'Z/D', 'X/Z/U*'] as const;
export type ProfileCode = (typeof PROFILE_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(PROFILE_CODES);

export function isProfileCode(text: string): text is ProfileCode {
  return CODE_SET.has(text);
}

export interface ProfileRow {
  /** A tag matches when (tag & mask) === value. */
  readonly value: number;
  readonly mask: number;
  /** The attribute name as the table prints it. */
  readonly name: string;
  /** The PS3.6 keyword, when the dictionary knows the tag (not for the repeating and private rows). */
  readonly keyword: string | undefined;
  readonly basic: ProfileCode;
  readonly options: Readonly<Partial<Record<ProfileOptionColumn, ProfileCode>>>;
  readonly isPrivate: boolean;
}

function checkedCode(code: string, where: string): ProfileCode {
  if (!isProfileCode(code)) throw internalError(`profile.generated.ts has unknown action ${code} for ${where}`);
  return code;
}

export const PROFILE: readonly ProfileRow[] = PROFILE_ROWS.map((row) => {
  const options: Partial<Record<ProfileOptionColumn, ProfileCode>> = {};
  for (const [column, code] of Object.entries(row.options) as [ProfileOptionColumn, string][]) {
    options[column] = checkedCode(code, row.name);
  }
  return {
    value: row.value,
    mask: row.mask,
    name: row.name,
    keyword: row.mask === 0xffffffff ? lookupAttribute(row.value)?.keyword : undefined,
    basic: checkedCode(row.basic, row.name),
    options,
    isPrivate: row.isPrivate,
  };
});

const EXACT = new Map<number, ProfileRow>();
const REPEATING: ProfileRow[] = [];
let privateRow: ProfileRow | undefined;
for (const row of PROFILE) {
  if (row.isPrivate) privateRow = row;
  else if (row.mask === 0xffffffff) EXACT.set(row.value, row);
  else REPEATING.push(row);
}
if (!privateRow) throw internalError('profile.generated.ts lacks the Private Attributes row');

/** The row of PS3.15 Table E.1-1 "Private Attributes" (all odd groups). */
export const PRIVATE_ATTRIBUTES_ROW: ProfileRow = privateRow;

/** The row that governs a tag: exact rows first, then the curve and overlay groups, then the private row. */
export function profileRowFor(tag: number): ProfileRow | undefined {
  if (isPrivateTag(tag)) return PRIVATE_ATTRIBUTES_ROW;
  const exact = EXACT.get(tag);
  if (exact) return exact;
  for (const row of REPEATING) {
    if (((tag & row.mask) >>> 0) === row.value) return row;
  }
  return undefined;
}
