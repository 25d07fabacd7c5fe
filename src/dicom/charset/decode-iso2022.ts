/**
 * Decoding of text under ISO/IEC 2022 code extension rules as DICOM restricts them (PS3.5
 * 6.1.2.5): G0 invoked in GL (0x21-0x7E) and G1 in GR (0xA1-0xFE), no shifts; escape
 * sequences designate into G0 or G1; the state returns to value 1's at each reset point.
 *
 * The single-byte terms without code extensions (ISO_IR 100, ...) are the same machine started
 * in their only state, so one decoder serves them all.
 */
import type { VR } from '../vr.js';
import type { CodeElement } from './code-element.js';
import type { Iso2022Plan } from './describe-charsets.js';
import { formatEscape, matchDesignation } from './designation.js';
import { isResetPoint } from './reset-point.js';

const ESC = 0x1b;
const REPLACEMENT = '\ufffd';

/** Decodes one element's bytes; problems are added to `warnings` (each message once), never thrown. */
export function decodeIso2022(bytes: Uint8Array, plan: Iso2022Plan, vr: VR, warnings?: string[]): string {
  const warn = (message: string): void => {
    if (warnings && !warnings.includes(message)) warnings.push(message);
  };
  let g0: CodeElement = plan.initialG0.element;
  let g1: CodeElement | undefined = plan.initialG1?.element;
  let out = '';
  let at = 0;
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (byte === ESC) {
      const designation = matchDesignation(bytes, at);
      if (!designation) {
        warn(`unknown escape sequence at byte ${at}; ESC kept as a character`);
        out += '\x1b';
        at += 1;
        continue;
      }
      if (!plan.codeExtensions) {
        warn(`escape sequence ${formatEscape(designation.escape)} in a value whose Specific Character Set has no code extensions; applied`);
      } else if (!plan.designations.includes(designation)) {
        warn(`escape sequence ${formatEscape(designation.escape)} designates ${designation.element.name}, which Specific Character Set does not declare; applied`);
      }
      if (designation.register === 'G0') g0 = designation.element;
      else g1 = designation.element;
      at += designation.escape.length;
      continue;
    }
    if (byte <= 0x20 || byte === 0x7f) {
      // Control characters and SPACE are outside G0 in ISO/IEC 2022, whatever G0 holds.
      out += String.fromCharCode(byte);
      if (isResetPoint(byte, vr)) {
        g0 = plan.initialG0.element;
        g1 = plan.initialG1?.element;
      }
      at += 1;
      continue;
    }
    if (byte < 0x80) {
      if (g0.bytesPerChar === 2) {
        const second = bytes[at + 1];
        if (second !== undefined && second >= 0x21 && second <= 0x7e) {
          out += g0.decode((byte << 8) | second) ?? unassigned(g0, at, warn);
          at += 2;
        } else {
          out += unassigned(g0, at, warn);
          at += 1;
        }
        continue;
      }
      out += g0.decode(byte) ?? unassigned(g0, at, warn);
      if (isResetPoint(byte, vr)) {
        g0 = plan.initialG0.element;
        g1 = plan.initialG1?.element;
      }
      at += 1;
      continue;
    }
    if (byte < 0xa0) {
      // C1 control characters, kept as the code points of the same number (as ISO 8859 does).
      out += String.fromCharCode(byte);
      at += 1;
      continue;
    }
    if (!g1) {
      warn(`byte 0x${byte.toString(16)} at ${at} is outside the declared character sets; read as ISO 8859-1`);
      out += String.fromCharCode(byte);
      at += 1;
      continue;
    }
    if (g1.bytesPerChar === 2) {
      const second = bytes[at + 1];
      if (byte !== 0xff && second !== undefined && second >= 0xa1 && second <= 0xfe) {
        out += g1.decode(((byte & 0x7f) << 8) | (second & 0x7f)) ?? unassigned(g1, at, warn);
        at += 2;
      } else {
        out += unassigned(g1, at, warn);
        at += 1;
      }
      continue;
    }
    out += g1.decode(byte & 0x7f) ?? unassigned(g1, at, warn);
    at += 1;
  }
  return out;
}

function unassigned(element: CodeElement, at: number, warn: (message: string) => void): string {
  warn(`bytes at ${at} are not a character of ${element.name}; read as U+FFFD`);
  return REPLACEMENT;
}
