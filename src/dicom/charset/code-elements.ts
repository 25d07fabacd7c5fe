/**
 * The graphic character sets that DICOM designates with ISO/IEC 2022 escape sequences
 * (PS3.3 Tables C.12-2 to C.12-4). The tables come from iconv-lite's code pages, cut to the
 * repertoire of each ISO registration, with the cells where the code page follows a vendor
 * mapping put back to the standard mapping that Python's codecs (and so pydicom) use.
 */
import iconv from 'iconv-lite';
import { type CodeElement, tableCodeElement } from './code-element.js';

/** ISO-IR 6 (US-ASCII) graphic characters, with SPACE so that it can be written like any other. */
export const ASCII: CodeElement = tableCodeElement('ISO-IR 6 (ASCII)', 1, () => asciiTable());

/**
 * ISO-IR 14, JIS X 0201 Roman. It differs from ASCII only at 0x5C (YEN SIGN) and 0x7E
 * (OVERLINE); DICOM readers (pydicom, DCMTK) read it as ASCII because 0x5C is also the value
 * delimiter, and so do we.
 */
export const JIS_X_0201_ROMAN: CodeElement = tableCodeElement('ISO-IR 14 (JIS X 0201 Roman)', 1, () => asciiTable());

/** ISO-IR 13, JIS X 0201 Katakana: 0x21-0x5F are the half-width katakana U+FF61-U+FF9F. */
export const JIS_X_0201_KATAKANA: CodeElement = tableCodeElement('ISO-IR 13 (JIS X 0201 Katakana)', 1, () => {
  const table = new Map<number, string>();
  for (let code = 0x21; code <= 0x5f; code++) table.set(code, String.fromCharCode(0xff61 + code - 0x21));
  return table;
});

/**
 * JIS X 0208 cells that CP932 (iconv-lite's EUC-JP) maps to other characters than the JIS
 * mapping of the Unicode consortium (JIS0208.TXT), which Python's iso2022_jp follows. The CP932
 * characters stay writable as aliases, so "～" typed on Windows still encodes.
 */
const JIS_X_0208_STANDARD: ReadonlyArray<readonly [number, string, string]> = [
  [0x2141, '\u301c', '\uff5e'], // WAVE DASH / FULLWIDTH TILDE
  [0x2142, '\u2016', '\u2225'], // DOUBLE VERTICAL LINE / PARALLEL TO
  [0x215d, '\u2212', '\uff0d'], // MINUS SIGN / FULLWIDTH HYPHEN-MINUS
  [0x2171, '\u00a2', '\uffe0'], // CENT SIGN
  [0x2172, '\u00a3', '\uffe1'], // POUND SIGN
  [0x224c, '\u00ac', '\uffe2'], // NOT SIGN
];

/** ISO-IR 87, JIS X 0208: rows 1-8 and 16-84; the NEC and IBM rows of CP932 are not part of it. */
export const JIS_X_0208: CodeElement = tableCodeElement(
  'ISO-IR 87 (JIS X 0208)',
  2,
  () => {
    const table = doubleByteTable((first, second) => iconv.decode(Buffer.from([first | 0x80, second | 0x80]), 'eucjp'), (row) => (row >= 0x21 && row <= 0x28) || (row >= 0x30 && row <= 0x74));
    for (const [code, standard] of JIS_X_0208_STANDARD) table.set(code, standard);
    return table;
  },
  new Map(JIS_X_0208_STANDARD.map(([code, , vendor]) => [vendor, code])),
);

/**
 * ISO-IR 159, JIS X 0212 (EUC-JP code set 3, after the single shift 0x8F). 0x2237 is TILDE in
 * JIS0212.TXT and Python's iso2022_jp_2; CP932-minded iconv-lite reads FULLWIDTH TILDE.
 */
export const JIS_X_0212: CodeElement = tableCodeElement('ISO-IR 159 (JIS X 0212)', 2, () => {
  const table = doubleByteTable((first, second) => iconv.decode(Buffer.from([0x8f, first | 0x80, second | 0x80]), 'eucjp'), () => true);
  table.set(0x2237, '~');
  return table;
});

/** ISO-IR 149, KS X 1001: the EUC-KR part of iconv-lite's CP949 (both bytes 0xA1-0xFE). */
export const KS_X_1001: CodeElement = tableCodeElement('ISO-IR 149 (KS X 1001)', 2, () =>
  doubleByteTable((first, second) => iconv.decode(Buffer.from([first | 0x80, second | 0x80]), 'euckr'), () => true),
);

/** GB 2312 cells where GBK (iconv-lite) maps other characters than GB2312.TXT and Python's gb2312. */
const GB_2312_STANDARD: ReadonlyArray<readonly [number, string, string]> = [
  [0x2124, '\u30fb', '\u00b7'], // KATAKANA MIDDLE DOT / MIDDLE DOT
  [0x212a, '\u2015', '\u2014'], // HORIZONTAL BAR / EM DASH
];

/** Cells inside 0xA1-0xFE x 0xA1-0xFE that GBK added and GB 2312 leaves empty. */
function isGbkAddition(code: number): boolean {
  return (code >= 0x2221 && code <= 0x222a) || (code >= 0x2660 && code <= 0x267e) || (code >= 0x283b && code <= 0x2840);
}

/** ISO-IR 58, GB 2312: the EUC-CN part of iconv-lite's GBK, without GBK's additions. */
export const GB_2312: CodeElement = tableCodeElement(
  'ISO-IR 58 (GB 2312)',
  2,
  () => {
    const table = doubleByteTable((first, second) => iconv.decode(Buffer.from([first | 0x80, second | 0x80]), 'gbk'), () => true);
    for (const code of [...table.keys()]) if (isGbkAddition(code)) table.delete(code);
    for (const [code, standard] of GB_2312_STANDARD) table.set(code, standard);
    return table;
  },
  new Map(GB_2312_STANDARD.map(([code, , vendor]) => [vendor, code])),
);

/** The right-hand part (0xA0-0xFF) of an ISO 8859 code page, as a 96-set for G1. */
function rightHalf(name: string, codePage: string): CodeElement {
  return tableCodeElement(name, 1, () => {
    const table = new Map<number, string>();
    for (let code = 0x20; code <= 0x7f; code++) {
      const char = iconv.decode(Buffer.from([code | 0x80]), codePage);
      if (char !== '\ufffd') table.set(code, char);
    }
    return table;
  });
}

export const LATIN_1 = rightHalf('ISO-IR 100 (ISO 8859-1, Latin alphabet No. 1)', 'iso88591');
export const LATIN_2 = rightHalf('ISO-IR 101 (ISO 8859-2, Latin alphabet No. 2)', 'iso88592');
export const LATIN_3 = rightHalf('ISO-IR 109 (ISO 8859-3, Latin alphabet No. 3)', 'iso88593');
export const LATIN_4 = rightHalf('ISO-IR 110 (ISO 8859-4, Latin alphabet No. 4)', 'iso88594');
export const CYRILLIC = rightHalf('ISO-IR 144 (ISO 8859-5, Cyrillic)', 'iso88595');
export const ARABIC = rightHalf('ISO-IR 127 (ISO 8859-6, Arabic)', 'iso88596');
export const GREEK = rightHalf('ISO-IR 126 (ISO 8859-7, Greek)', 'iso88597');
export const HEBREW = rightHalf('ISO-IR 138 (ISO 8859-8, Hebrew)', 'iso88598');
export const LATIN_5 = rightHalf('ISO-IR 148 (ISO 8859-9, Latin alphabet No. 5)', 'iso88599');
export const LATIN_9 = rightHalf('ISO-IR 203 (ISO 8859-15, Latin alphabet No. 9)', 'iso885915');
export const THAI = rightHalf('ISO-IR 166 (TIS 620-2533, Thai)', 'tis620');

function asciiTable(): Map<number, string> {
  const table = new Map<number, string>();
  for (let code = 0x20; code <= 0x7e; code++) table.set(code, String.fromCharCode(code));
  return table;
}

function doubleByteTable(decodePair: (first: number, second: number) => string, keepRow: (row: number) => boolean): Map<number, string> {
  const table = new Map<number, string>();
  for (let first = 0x21; first <= 0x7e; first++) {
    if (!keepRow(first)) continue;
    for (let second = 0x21; second <= 0x7e; second++) {
      const char = decodePair(first, second);
      // A table cell is one character; anything else is the code page's replacement for a gap.
      if (char.includes('\ufffd') || [...char].length !== 1 || char.charCodeAt(0) < 0x80) continue;
      table.set((first << 8) | second, char);
    }
  }
  return table;
}
