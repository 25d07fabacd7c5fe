/**
 * Encoding of text under ISO/IEC 2022 code extension rules as DICOM restricts them
 * (PS3.5 6.1.2.5). Each character is written in a set already designated when one holds it
 * (fewest escape sequences), otherwise in the first declared set, in the order of the terms of
 * (0008,0005), that holds it. Before every reset point (PS3.5 6.1.2.5.3) and at the end of the
 * value, the sets of value 1 are designated again: G0 always, since the delimiters are G0
 * characters; G1 only when value 1 has a G1 set, since without one no GR byte can follow a
 * reset before a new designation.
 */
import { MedVeilError } from '../../errors.js';
import type { VR } from '../vr.js';
import type { Iso2022Plan } from './describe-charsets.js';
import type { Designation } from './designation.js';
import { isResetPoint } from './reset-point.js';
import { unencodableError } from './unencodable-error.js';

const ESC = 0x1b;

/** Encodes one element's text; throws MedVeilError('charset') for a character no declared set holds. */
export function encodeIso2022(text: string, plan: Iso2022Plan, vr: VR): Uint8Array {
  const out: number[] = [];
  let g0: Designation = plan.initialG0;
  let g1: Designation | undefined = plan.initialG1;
  const restore = (): void => {
    if (g0.element !== plan.initialG0.element) out.push(...plan.initialG0.escape);
    if (plan.initialG1 && g1?.element !== plan.initialG1.element) out.push(...plan.initialG1.escape);
    g0 = plan.initialG0;
    g1 = plan.initialG1;
  };
  const write = (code: number, register: 'G0' | 'G1', bytesPerChar: 1 | 2): void => {
    const high = register === 'G1' ? 0x80 : 0;
    if (bytesPerChar === 2) out.push((code >> 8) | high, (code & 0xff) | high);
    else out.push(code | high);
  };

  let position = 0;
  for (const char of text) {
    position += 1;
    const point = char.codePointAt(0)!;
    if (point === ESC) {
      throw new MedVeilError('charset', `cannot encode ESC (character ${position}): it would be read as the start of an escape sequence`, {
        hint: 'remove control characters from the value',
      });
    }
    if (point < 0x20 || point === 0x7f || (point >= 0x80 && point < 0xa0)) {
      if (isResetPoint(point, vr)) restore();
      out.push(point);
      continue;
    }
    if (point < 0x7f && isResetPoint(point, vr)) restore();

    const inG0 = g0.element.encode(char);
    if (inG0 !== undefined) {
      write(inG0, 'G0', g0.element.bytesPerChar);
      continue;
    }
    const inG1 = g1?.element.encode(char);
    if (g1 && inG1 !== undefined) {
      write(inG1, 'G1', g1.element.bytesPerChar);
      continue;
    }
    let written = false;
    for (const designation of plan.designations) {
      const code = designation.element.encode(char);
      if (code === undefined) continue;
      out.push(...designation.escape);
      if (designation.register === 'G0') g0 = designation;
      else g1 = designation;
      write(code, designation.register, designation.element.bytesPerChar);
      written = true;
      break;
    }
    if (!written) throw unencodableError(char, position, plan.terms);
  }
  restore();
  return Uint8Array.from(out);
}
