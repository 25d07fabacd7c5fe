/**
 * The character sets of PS3.3 Table C.12-5, which are whole encodings without code
 * extensions: ISO_IR 192 (UTF-8), GB18030 and GBK. Delimiters need no care here: in all three
 * every byte below 0x80 is the ASCII character, except the trail bytes of GBK and GB18030,
 * which is why a value is decoded whole before it is split on "\" (see values.ts).
 */
import iconv from 'iconv-lite';
import type { StandAloneCodec } from './character-set-term.js';
import { unencodableError } from './unencodable-error.js';

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * GB 18030 maps 0xA3A0 to U+E5E5 (a user-defined cell). iconv-lite follows the WHATWG index,
 * which reads it as U+3000 and so cannot give the bytes back; we keep the standard's mapping.
 */
const GB_A3A0 = '\ue5e5';

/** U+FFFD REPLACEMENT CHARACTER in GB18030 (a four-byte code). */
const GB18030_REPLACEMENT = [0x84, 0x31, 0xa4, 0x37];

function countReplacements(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\ufffd'); at >= 0; at = text.indexOf('\ufffd', at + 1)) count += 1;
  return count;
}

export function decodeStandAlone(bytes: Uint8Array, codec: StandAloneCodec, warnings?: string[]): string {
  const warn = (message: string): void => {
    if (warnings && !warnings.includes(message)) warnings.push(message);
  };
  if (codec === 'utf-8') {
    try {
      return utf8Strict.decode(bytes);
    } catch {
      warn('bytes that are not UTF-8 in an ISO_IR 192 value; read as U+FFFD');
      return utf8Lenient.decode(bytes);
    }
  }
  let out = '';
  let from = 0;
  let replacementsWritten = 0;
  for (const [start, length] of gbCharacters(bytes)) {
    if (length === 2 && bytes[start] === 0xa3 && bytes[start + 1] === 0xa0) {
      out += iconv.decode(Buffer.from(bytes.subarray(from, start)), codec) + GB_A3A0;
      from = start + 2;
    }
    if (length === 4 && GB18030_REPLACEMENT.every((b, i) => bytes[start + i] === b)) replacementsWritten += 1;
  }
  out += iconv.decode(Buffer.from(bytes.subarray(from)), codec);
  // GB18030 can hold U+FFFD itself; only more of them than were written means invalid bytes.
  if (countReplacements(out) > replacementsWritten) warn(`bytes that are not ${codec.toUpperCase()} in a value; read as U+FFFD`);
  return out;
}

export function encodeStandAlone(text: string, codec: StandAloneCodec, terms: readonly string[]): Uint8Array {
  let position = 0;
  for (const char of text) {
    position += 1;
    // A lone surrogate is not a character; every encoder would write a substitute for it.
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) throw unencodableError(char, position, terms);
  }
  if (codec === 'utf-8') return new TextEncoder().encode(text);
  const parts = text.split(GB_A3A0).map((part) => encodeGb(part, codec, terms));
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0) + 2 * (parts.length - 1));
  let at = 0;
  parts.forEach((part, index) => {
    if (index > 0) {
      out.set([0xa3, 0xa0], at);
      at += 2;
    }
    out.set(part, at);
    at += part.length;
  });
  return out;
}

function encodeGb(text: string, codec: 'gb18030' | 'gbk', terms: readonly string[]): Uint8Array {
  const bytes = iconv.encode(text, codec);
  // iconv-lite writes "?" for a character it cannot encode; find it rather than write it.
  if (iconv.decode(bytes, codec) === text) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  let position = 0;
  for (const char of text) {
    position += 1;
    if (iconv.decode(iconv.encode(char, codec), codec) !== char) throw unencodableError(char, position, terms);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** [start, length] of each character of GBK or GB18030 bytes: 1, 2 or (GB18030 only) 4 bytes. */
function* gbCharacters(bytes: Uint8Array): Generator<readonly [number, number]> {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    let length = 1;
    if (lead >= 0x81 && lead <= 0xfe && at + 1 < bytes.length) {
      const second = bytes[at + 1]!;
      length = second >= 0x30 && second <= 0x39 ? 4 : 2;
    }
    yield [at, Math.min(length, bytes.length - at)];
    at += length;
  }
}
