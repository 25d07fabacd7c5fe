/**
 * Whether `text`, which JSON.parse accepts, is certainly in RFC 8785 canonical form, decided
 * by one pass over the text instead of re-serializing what JSON.parse made of it. (Text that
 * JSON.parse refuses may be answered either way.) Only a plain subset is decided:
 *
 * - no whitespace between tokens (RFC 8785 3.2.1);
 * - strings escape exactly what ECMAScript's JSON.stringify escapes (3.2.2.2): `\"`, `\\`, the
 *   short forms `\b \f \n \r \t`, and `\u00xx` in lowercase hex for the other controls; every
 *   other character raw, surrogates only in pairs;
 * - numbers are integers of at most 15 digits, not `-0`, which JSON.stringify writes back
 *   unchanged (3.2.2.3);
 * - member names strictly increase by UTF-16 code units (3.2.3), so none repeats; names hold
 *   no escape and are not all digits, since engines enumerate integer-like names first.
 *
 * Under these rules the text equals JSON.stringify of its own parse, which is the canonical
 * form. `false` means "not shown canonical": the text may still be canonical outside the
 * subset (a fraction, an escaped name), so a caller that must be exact asks the full check.
 */
export function isPlainCanonicalJson(text: string): boolean {
  // JSON.parse refuses raw controls inside strings, and the scan refuses whitespace between
  // tokens; ruling out lone surrogates here, natively, leaves only quotes and backslashes for
  // the scan of each string.
  if (!isWellFormed(text)) return false;
  const scanner = new Scanner(text);
  return scanner.value() && scanner.at === text.length;
}

// String.prototype.isWellFormed (ES2024, in Node 20) is false exactly when a lone surrogate is present.
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

// Controls with a short escape form; JSON.stringify never writes them as \u00xx.
const SHORT_ESCAPED_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);
const SHORT_ESCAPES = new Set([QUOTE, BACKSLASH, 0x62, 0x66, 0x6e, 0x72, 0x74]); // " \ b f n r t

const isDigit = (code: number): boolean => code >= ZERO && code <= NINE;
const isLowerHex = (code: number): boolean => isDigit(code) || (code >= 0x61 && code <= 0x66);

class Scanner {
  at = 0;
  readonly #text: string;
  /** Where the next backslash at or after `at` is (2^32 - 1 if none), found once for many strings. */
  #nextBackslash = -1;

  constructor(text: string) {
    this.#text = text;
  }

  value(): boolean {
    const code = this.#text.charCodeAt(this.at);
    if (code === QUOTE) return this.string() !== undefined;
    if (code === OPEN_OBJECT) return this.object();
    if (code === OPEN_ARRAY) return this.array();
    if (code === MINUS || isDigit(code)) return this.integer();
    return this.literal('true') || this.literal('false') || this.literal('null');
  }

  object(): boolean {
    this.at++;
    if (this.#text.charCodeAt(this.at) === CLOSE_OBJECT) {
      this.at++;
      return true;
    }
    let previousStart = -1;
    let previousEnd = -1;
    for (;;) {
      const start = this.at + 1;
      if (this.#text.charCodeAt(this.at) !== QUOTE || this.string() !== 'raw') return false;
      const end = this.at - 1;
      if (this.#allDigits(start, end)) return false;
      if (previousStart >= 0 && this.#compare(previousStart, previousEnd, start, end) >= 0) return false;
      previousStart = start;
      previousEnd = end;
      if (this.#text.charCodeAt(this.at) !== COLON) return false;
      this.at++;
      if (!this.value()) return false;
      const next = this.#text.charCodeAt(this.at++);
      if (next === CLOSE_OBJECT) return true;
      if (next !== COMMA) return false;
    }
  }

  array(): boolean {
    this.at++;
    if (this.#text.charCodeAt(this.at) === CLOSE_ARRAY) {
      this.at++;
      return true;
    }
    for (;;) {
      if (!this.value()) return false;
      const next = this.#text.charCodeAt(this.at++);
      if (next === CLOSE_ARRAY) return true;
      if (next !== COMMA) return false;
    }
  }

  /** Moves past a string written as JSON.stringify writes it: 'raw' if it holds no escape, 'escaped' if it does; undefined if it is not so written. */
  string(): 'raw' | 'escaped' | undefined {
    const text = this.#text;
    const close = text.indexOf('"', this.at + 1);
    if (close < 0) return undefined;
    if (this.#nextBackslash <= this.at) this.#nextBackslash = text.indexOf('\\', this.at + 1) >>> 0;
    if (this.#nextBackslash > close) {
      this.at = close + 1;
      return 'raw';
    }
    let i = this.at + 1;
    for (;;) {
      if (i >= text.length) return undefined;
      const code = text.charCodeAt(i);
      if (code === QUOTE) break;
      if (code === BACKSLASH) {
        const kind = text.charCodeAt(i + 1);
        if (SHORT_ESCAPES.has(kind)) {
          i += 2;
          continue;
        }
        // \u00xx, lowercase, only for a control without a short form.
        if (kind !== 0x75 || text.charCodeAt(i + 2) !== ZERO || text.charCodeAt(i + 3) !== ZERO) return undefined;
        const high = text.charCodeAt(i + 4);
        const low = text.charCodeAt(i + 5);
        if ((high !== ZERO && high !== 0x31) || !isLowerHex(low)) return undefined;
        if (SHORT_ESCAPED_CONTROLS.has(Number.parseInt(text.slice(i + 4, i + 6), 16))) return undefined;
        i += 6;
        continue;
      }
      i++;
    }
    this.at = i + 1;
    return 'escaped';
  }

  integer(): boolean {
    const text = this.#text;
    const start = this.at;
    let i = start;
    if (text.charCodeAt(i) === MINUS) i++;
    const first = i;
    while (isDigit(text.charCodeAt(i))) i++;
    const digits = i - first;
    if (digits === 0 || digits > 15) return false;
    if (text.charCodeAt(first) === ZERO && (digits > 1 || first > start)) return false;
    const after = text.charCodeAt(i);
    if (after === 0x2e || after === 0x65 || after === 0x45) return false; // . e E
    this.at = i;
    return true;
  }

  literal(word: string): boolean {
    if (!this.#text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  #allDigits(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (!isDigit(this.#text.charCodeAt(i))) return false;
    return end > start;
  }

  /** Compares text[aStart, aEnd) with text[bStart, bEnd) by UTF-16 code units, as `<` compares strings. */
  #compare(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
    const text = this.#text;
    const length = Math.min(aEnd - aStart, bEnd - bStart);
    for (let k = 0; k < length; k++) {
      const difference = text.charCodeAt(aStart + k) - text.charCodeAt(bStart + k);
      if (difference !== 0) return difference;
    }
    return aEnd - aStart - (bEnd - bStart);
  }
}
