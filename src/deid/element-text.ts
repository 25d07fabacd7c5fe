/**
 * Reading and writing the string values of an element under the VR the engine reasons with,
 * which for an element read as UN is the dictionary's VR (PS3.5 6.2.2: UN holds the bytes of
 * the value in the VR it would have had).
 */
import type { Dataset } from '../dicom/dataset.js';
import type { DataElement } from '../dicom/element.js';
import { decodeStrings, encodeStrings, padEven } from '../dicom/values.js';
import { type VR, isStringVR, paddingByte } from '../dicom/vr.js';

export function readValues(dataset: Dataset, element: DataElement, vr: VR, charsets: readonly string[]): string[] {
  if (!element.value || element.value.length === 0) return [];
  return decodeStrings(isStringVR(vr) ? { ...element, vr } : { ...element, vr: 'UI' }, dataset.encoding, charsets);
}

/** Replaces the element's value, keeping its tag; an element read as UN is written with `vr`. */
export function writeValues(dataset: Dataset, element: DataElement, vr: VR, values: readonly string[], charsets: readonly string[]): void {
  if (isStringVR(vr) && values.every(isPrintableAscii)) {
    writeAsciiValues(dataset, element.tag, vr, values);
    return;
  }
  if (isStringVR(vr)) {
    dataset.set({ tag: element.tag, vr, value: encodeStrings(values, vr, charsets) });
    return;
  }
  // Only UN reaches here: the bytes of the text, padded as UI pads (PS3.5 6.2).
  dataset.set({ tag: element.tag, vr, value: padEven(Buffer.from(values.join('\\'), 'latin1'), 0x00) });
}

/**
 * Sets a string element from printable ASCII values without the character set machinery: the
 * default repertoire encodes alike under every Specific Character Set (PS3.5 6.1.2.5).
 */
export function writeAsciiValues(dataset: Dataset, tag: number, vr: VR, values: readonly string[]): void {
  dataset.set({ tag, vr, value: padEven(Buffer.from(values.join('\\'), 'latin1'), paddingByte(vr)) });
}

export function writeBytes(dataset: Dataset, element: DataElement, vr: VR, value: Uint8Array): void {
  dataset.set({ tag: element.tag, vr, value });
}

const UID = /^[0-9]+(\.[0-9]+)+$/;

/** Whether undecoded bytes read as one or more UIDs (PS3.5 9.1): digits and dots, at most 64 each. */
export function looksLikeUids(values: readonly string[]): boolean {
  return values.length > 0 && values.some((v) => v !== '') && values.every((v) => v === '' || (v.length <= 64 && UID.test(v)));
}

function isPrintableAscii(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}
