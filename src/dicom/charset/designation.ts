/**
 * Designations: the escape sequences of PS3.3 Tables C.12-3 and C.12-4 that put a code element
 * into G0 or G1 (ISO/IEC 2022: ESC 2/8 F and ESC 2/4 2/8 F for G0, ESC 2/9 F, ESC 2/13 F and
 * ESC 2/4 2/9 F for G1).
 */
import type { CodeElement } from './code-element.js';
import * as sets from './code-elements.js';

export type Register = 'G0' | 'G1';

export interface Designation {
  readonly escape: Uint8Array;
  readonly register: Register;
  readonly element: CodeElement;
  /** Accepted when reading only: not a DICOM defined term, seen in files in the wild. */
  readonly readOnly?: boolean;
}

const ESC = 0x1b;

function designation(sequence: string, register: Register, element: CodeElement, readOnly = false): Designation {
  const escape = Uint8Array.from([ESC, ...Buffer.from(sequence, 'latin1')]);
  return readOnly ? { escape, register, element, readOnly } : { escape, register, element };
}

export const DESIGNATE = {
  ascii: designation('(B', 'G0', sets.ASCII),
  jisRoman: designation('(J', 'G0', sets.JIS_X_0201_ROMAN),
  jisKatakana: designation(')I', 'G1', sets.JIS_X_0201_KATAKANA),
  jis0208: designation('$B', 'G0', sets.JIS_X_0208),
  jis0212: designation('$(D', 'G0', sets.JIS_X_0212),
  ksx1001: designation('$)C', 'G1', sets.KS_X_1001),
  gb2312: designation('$)A', 'G1', sets.GB_2312),
  latin1: designation('-A', 'G1', sets.LATIN_1),
  latin2: designation('-B', 'G1', sets.LATIN_2),
  latin3: designation('-C', 'G1', sets.LATIN_3),
  latin4: designation('-D', 'G1', sets.LATIN_4),
  greek: designation('-F', 'G1', sets.GREEK),
  arabic: designation('-G', 'G1', sets.ARABIC),
  hebrew: designation('-H', 'G1', sets.HEBREW),
  cyrillic: designation('-L', 'G1', sets.CYRILLIC),
  latin5: designation('-M', 'G1', sets.LATIN_5),
  thai: designation('-T', 'G1', sets.THAI),
  latin9: designation('-b', 'G1', sets.LATIN_9),
} as const;

/** Older or shorter forms some writers use: JIS C 6226-1978 (ESC $ @) and GB 2312 in G0 (ESC $ A). */
const READ_ONLY: readonly Designation[] = [
  designation('$@', 'G0', sets.JIS_X_0208, true),
  designation('$A', 'G0', sets.GB_2312, true),
  designation('$(B', 'G0', sets.JIS_X_0208, true),
  designation('$(C', 'G0', sets.KS_X_1001, true),
  designation('$(A', 'G0', sets.GB_2312, true),
];

const ALL: readonly Designation[] = [...Object.values(DESIGNATE), ...READ_ONLY];

/** The designation whose escape sequence starts at `at` (which holds ESC), or undefined. */
export function matchDesignation(bytes: Uint8Array, at: number): Designation | undefined {
  for (const d of ALL) {
    if (at + d.escape.length > bytes.length) continue;
    let same = true;
    for (let i = 1; i < d.escape.length && same; i++) same = bytes[at + i] === d.escape[i];
    if (same) return d;
  }
  return undefined;
}

/** "ESC $ ) C", for messages. */
export function formatEscape(escape: Uint8Array): string {
  return [...escape].map((b) => (b === ESC ? 'ESC' : String.fromCharCode(b))).join(' ');
}
