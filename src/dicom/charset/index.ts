/**
 * Specific Character Set (0008,0005) decoding and encoding of the text VRs (PS3.5 6.1, PS3.3
 * C.12.1.1.2). Entry point; the full implementation of single-byte sets, ISO 2022 code
 * extensions and the multi-byte sets lives beside this file.
 */
import type { VR } from '../vr.js';

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Decodes the bytes of one text element with the character set terms in force. */
export function decodeText(bytes: Uint8Array, charsets: readonly string[], _vr: VR): string {
  const term = (charsets[0] ?? '').trim();
  if (term === 'ISO_IR 192') return utf8.decode(bytes);
  return latin1.decode(bytes);
}

/** Encodes text for one element with the character set terms in force. */
export function encodeText(text: string, charsets: readonly string[], _vr: VR): Uint8Array {
  const term = (charsets[0] ?? '').trim();
  if (term === 'ISO_IR 192') return new TextEncoder().encode(text);
  return Buffer.from(text, 'latin1');
}
