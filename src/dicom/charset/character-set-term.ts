/**
 * The defined terms of Specific Character Set (0008,0005), PS3.3 C.12.1.1.2:
 * Table C.12-2 (single-byte, no code extensions), C.12-3 (single-byte with code extensions),
 * C.12-4 (multi-byte with code extensions) and C.12-5 (multi-byte without code extensions).
 */
import { DESIGNATE, type Designation } from './designation.js';

export type StandAloneCodec = 'utf-8' | 'gb18030' | 'gbk';

export type CharacterSetTerm =
  | {
      readonly kind: 'iso2022';
      readonly term: string;
      /** Whether the term allows escape sequences (the "ISO 2022 ..." forms). */
      readonly codeExtensions: boolean;
      /** What the term puts in G0 and G1; the initial state when the term is value 1. */
      readonly g0?: Designation;
      readonly g1?: Designation;
    }
  | {
      /** Table C.12-5: a whole encoding of its own; escape sequences are not allowed. */
      readonly kind: 'stand-alone';
      readonly term: string;
      readonly codec: StandAloneCodec;
    };

const TERMS = new Map<string, CharacterSetTerm>();

function iso2022(term: string, codeExtensions: boolean, g0: Designation | undefined, g1?: Designation): void {
  TERMS.set(term, { kind: 'iso2022', term, codeExtensions, ...(g0 ? { g0 } : {}), ...(g1 ? { g1 } : {}) });
}

iso2022('ISO_IR 6', false, DESIGNATE.ascii);
iso2022('ISO 2022 IR 6', true, DESIGNATE.ascii);
iso2022('ISO_IR 13', false, DESIGNATE.jisRoman, DESIGNATE.jisKatakana);
iso2022('ISO 2022 IR 13', true, DESIGNATE.jisRoman, DESIGNATE.jisKatakana);
iso2022('ISO 2022 IR 87', true, DESIGNATE.jis0208);
iso2022('ISO 2022 IR 159', true, DESIGNATE.jis0212);
iso2022('ISO 2022 IR 149', true, undefined, DESIGNATE.ksx1001);
iso2022('ISO 2022 IR 58', true, undefined, DESIGNATE.gb2312);

const SINGLE_BYTE: ReadonlyArray<readonly [number, Designation]> = [
  [100, DESIGNATE.latin1], [101, DESIGNATE.latin2], [109, DESIGNATE.latin3], [110, DESIGNATE.latin4],
  [144, DESIGNATE.cyrillic], [127, DESIGNATE.arabic], [126, DESIGNATE.greek], [138, DESIGNATE.hebrew],
  [148, DESIGNATE.latin5], [203, DESIGNATE.latin9], [166, DESIGNATE.thai],
];
for (const [ir, g1] of SINGLE_BYTE) {
  iso2022(`ISO_IR ${ir}`, false, DESIGNATE.ascii, g1);
  iso2022(`ISO 2022 IR ${ir}`, true, DESIGNATE.ascii, g1);
}

TERMS.set('ISO_IR 192', { kind: 'stand-alone', term: 'ISO_IR 192', codec: 'utf-8' });
TERMS.set('GB18030', { kind: 'stand-alone', term: 'GB18030', codec: 'gb18030' });
TERMS.set('GBK', { kind: 'stand-alone', term: 'GBK', codec: 'gbk' });

/** The term for an empty value 1: the default repertoire, ISO-IR 6 (PS3.3 C.12.1.1.2). */
export const DEFAULT_TERM = TERMS.get('ISO_IR 6')!;

/**
 * The defined term for a value of (0008,0005), accepting the misspellings seen in real files
 * ("ISO IR 100", "ISO-IR 100", "ISO_2022_IR_87") with a note of the correction; undefined for
 * a term we do not know. An empty value is the default repertoire.
 */
export function lookupCharacterSetTerm(value: string): { term: CharacterSetTerm; corrected?: string } | undefined {
  const text = value.trim();
  if (text === '') return { term: DEFAULT_TERM };
  const exact = TERMS.get(text);
  if (exact) return { term: exact };
  const upper = text.toUpperCase().replace(/[\s_-]+/g, ' ');
  let guess: string | undefined;
  let match = /^ISO ?2022 ?IR ?(\d+)$/.exec(upper);
  if (match) guess = `ISO 2022 IR ${Number(match[1])}`;
  else if ((match = /^ISO ?IR ?(\d+)$/.exec(upper))) guess = `ISO_IR ${Number(match[1])}`;
  else if (upper === 'GB 18030') guess = 'GB18030';
  else if (upper === 'UTF 8' || upper === 'UTF8') guess = 'ISO_IR 192';
  const corrected = (guess === undefined ? undefined : TERMS.get(guess)) ?? TERMS.get(upper);
  return corrected ? { term: corrected, corrected: corrected.term } : undefined;
}
