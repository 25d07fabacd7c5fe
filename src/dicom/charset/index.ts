/**
 * Specific Character Set (0008,0005) decoding and encoding of the text VRs SH, LO, ST, LT, UC,
 * UT and PN (PS3.5 6.1, PS3.3 C.12.1.1.2). `values.ts` calls these with the whole value field
 * of an element, backslashes included, and splits the text afterwards: with GBK and GB18030 a
 * 0x5C byte may be the second byte of a character, and in ISO 2022 the value delimiter is a
 * reset point, so only the decoder can tell a delimiter from part of a character.
 */
import type { VR } from '../vr.js';
import { decodeIso2022 } from './decode-iso2022.js';
import { describeCharsets } from './describe-charsets.js';
import { encodeIso2022 } from './encode-iso2022.js';
import { decodeStandAlone, encodeStandAlone } from './stand-alone-codec.js';

export { describeCharsets, type CharsetPlan, type Iso2022Plan, type StandAlonePlan } from './describe-charsets.js';

export interface DecodeTextOptions {
  /** Receives each reading problem once (unknown terms, undeclared escape sequences, invalid bytes). */
  readonly warnings?: string[];
}

/**
 * Decodes the bytes of one text element with the character set terms in force. Never throws:
 * unknown terms, undeclared escape sequences and invalid bytes are read as well as can be, and
 * each problem is added once to `options.warnings` when the caller passes an array.
 */
export function decodeText(bytes: Uint8Array, charsets: readonly string[], vr: VR, options: DecodeTextOptions = {}): string {
  const { warnings } = options;
  const plan = describeCharsets(charsets);
  if (warnings) for (const warning of plan.warnings) if (!warnings.includes(warning)) warnings.push(warning);
  return plan.kind === 'stand-alone' ? decodeStandAlone(bytes, plan.codec, warnings) : decodeIso2022(bytes, plan, vr, warnings);
}

/**
 * Encodes text for one element with the character set terms in force, switching character
 * sets with escape sequences where (0008,0005) declares code extensions. Throws
 * MedVeilError('charset') for a character that no declared character set holds.
 */
export function encodeText(text: string, charsets: readonly string[], vr: VR): Uint8Array {
  const plan = describeCharsets(charsets);
  return plan.kind === 'stand-alone' ? encodeStandAlone(text, plan.codec, plan.terms) : encodeIso2022(text, plan, vr);
}
