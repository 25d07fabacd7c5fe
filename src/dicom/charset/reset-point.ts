/**
 * Where the code elements of value 1 must be active again (PS3.5 6.1.2.5.3): before CR, LF and
 * every other control character except ESC (TAB, FF, ...), before the value delimiter "\", and
 * in PN before the component delimiter "^" and the component group delimiter "=". A writer
 * switches back before these; a reader returns to the initial state on reaching one.
 */
import type { VR } from '../vr.js';

const ESC = 0x1b;

/** Whether the 7-bit code of a G0 or control character is a reset point for `vr`. */
export function isResetPoint(code: number, vr: VR): boolean {
  if (code < 0x20) return code !== ESC;
  if (code === 0x5c) return true;
  return vr === 'PN' && (code === 0x5e || code === 0x3d);
}
