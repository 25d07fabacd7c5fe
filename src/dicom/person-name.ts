/**
 * Person Name (PN) values, PS3.5 6.2.1: up to three component groups separated by "="
 * (alphabetic, ideographic, phonetic), each of up to five components separated by "^"
 * (family name complex, given name complex, middle name, name prefix, name suffix).
 * Empty trailing components and groups are left out when formatting (PS3.5 6.2.1.1, 6.2.1.2).
 *
 * One value at a time: split a multi-valued PN on "\" first (values.ts does). Parsing is
 * lossless for malformed input too: a sixth component stays in the suffix with its "^", a
 * fourth group stays in the phonetic group with its "=", so formatting gives the value back.
 */

export interface PersonNameComponents {
  readonly familyName: string;
  readonly givenName: string;
  readonly middleName: string;
  readonly namePrefix: string;
  readonly nameSuffix: string;
}

export interface PersonName {
  readonly alphabetic: PersonNameComponents;
  readonly ideographic: PersonNameComponents;
  readonly phonetic: PersonNameComponents;
}

/** What `formatPersonName` accepts: any group or component may be left out. */
export interface PersonNameInput {
  readonly alphabetic?: Partial<PersonNameComponents>;
  readonly ideographic?: Partial<PersonNameComponents>;
  readonly phonetic?: Partial<PersonNameComponents>;
}

/** The groups of a PN value as the DICOM JSON Model carries them, empty groups left out (PS3.18 F.2.2). */
export interface PersonNameJson {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

const COMPONENTS = ['familyName', 'givenName', 'middleName', 'namePrefix', 'nameSuffix'] as const;
const GROUPS = ['alphabetic', 'ideographic', 'phonetic'] as const;
const JSON_GROUPS = ['Alphabetic', 'Ideographic', 'Phonetic'] as const;

/** "Yamada^Tarou=山田^太郎=やまだ^たろう" → three groups of five components (missing ones empty). */
export function parsePersonName(value: string): PersonName {
  const [alphabetic, ideographic, phonetic] = splitAtMost(value, '=', 3);
  return {
    alphabetic: parseComponentGroup(alphabetic ?? ''),
    ideographic: parseComponentGroup(ideographic ?? ''),
    phonetic: parseComponentGroup(phonetic ?? ''),
  };
}

/** "Wang^XiaoDong" → familyName "Wang", givenName "XiaoDong", the rest empty. */
export function parseComponentGroup(group: string): PersonNameComponents {
  const parts = splitAtMost(group, '^', 5);
  return {
    familyName: parts[0] ?? '',
    givenName: parts[1] ?? '',
    middleName: parts[2] ?? '',
    namePrefix: parts[3] ?? '',
    nameSuffix: parts[4] ?? '',
  };
}

/** The PN value of a name, without empty trailing components or groups: "Wang^XiaoDong=王^小東". */
export function formatPersonName(name: PersonNameInput): string {
  return trimTrailingEmpty(GROUPS.map((group) => formatComponentGroup(name[group] ?? {})), '=');
}

/** One component group, without empty trailing components: "Doe^John^^Dr.". */
export function formatComponentGroup(components: Partial<PersonNameComponents>): string {
  return trimTrailingEmpty(COMPONENTS.map((component) => components[component] ?? ''), '^');
}

/** The groups of one PN value for the DICOM JSON Model; {} for an empty value. */
export function personNameToJson(value: string): PersonNameJson {
  const groups = splitAtMost(value, '=', 3);
  const json: PersonNameJson = {};
  groups.forEach((group, index) => {
    if (group !== '') json[JSON_GROUPS[index]!] = group;
  });
  return json;
}

/** The PN value of a DICOM JSON Model person name, without empty trailing groups. */
export function personNameFromJson(json: PersonNameJson): string {
  return trimTrailingEmpty(JSON_GROUPS.map((group) => json[group] ?? ''), '=');
}

/** Splits at the first `limit - 1` separators; the last part keeps any further separators. */
function splitAtMost(text: string, separator: string, limit: number): string[] {
  const parts = text.split(separator);
  if (parts.length <= limit) return parts;
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(separator)];
}

function trimTrailingEmpty(parts: readonly string[], separator: string): string {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end -= 1;
  return parts.slice(0, end).join(separator);
}
