/**
 * Whether two encoded DICOM files hold the same data set, whatever transfer syntax each uses:
 * the same elements in the same order, the same sequence items, and the same values once
 * brought to little endian. A de-identifier that meets one instance in several transfer
 * syntaxes (an archive that kept the original and a transcoded copy) writes it once and can
 * skip the others as repeats, where a byte comparison would call them conflicts.
 *
 * The test is strict in one direction only: "same" means every value byte matches; anything
 * it cannot compare (an unreadable file, a VR it would have to guess the byte order of, pixel
 * data native in one and encapsulated in the other) counts as different.
 */
import type { Dataset } from './dataset.js';
import type { DataElement } from './element.js';
import { readDicomFile } from './read-dicom-file.js';
import { swapBytes, valueSwapWidth } from './write-swap-bytes.js';

export function sameDicomContent(a: Uint8Array, b: Uint8Array): boolean {
  let left: Dataset;
  let right: Dataset;
  try {
    left = readDicomFile(a).dataset;
    right = readDicomFile(b).dataset;
  } catch {
    return false;
  }
  return sameDataset(left, right);
}

export function sameDataset(a: Dataset, b: Dataset): boolean {
  const tags = a.tags();
  const other = b.tags();
  if (tags.length !== other.length) return false;
  for (let i = 0; i < tags.length; i++) {
    if (tags[i] !== other[i]) return false;
    if (!sameElement(a.get(tags[i]!)!, a, b.get(tags[i]!)!, b)) return false;
  }
  return true;
}

function sameElement(x: DataElement, xIn: Dataset, y: DataElement, yIn: Dataset): boolean {
  if (x.items !== undefined || y.items !== undefined) {
    if (x.items === undefined || y.items === undefined || x.items.length !== y.items.length) return false;
    return x.items.every((item, i) => sameDataset(item, y.items![i]!));
  }
  if (x.fragments !== undefined || y.fragments !== undefined) {
    // Encapsulated pixel data is little endian in every transfer syntax (PS3.5 A.4).
    if (x.fragments === undefined || y.fragments === undefined) return false;
    const xs = x.fragments.fragments;
    const ys = y.fragments.fragments;
    return sameBytes(x.fragments.offsetTable, y.fragments.offsetTable) && xs.length === ys.length && xs.every((f, i) => sameBytes(f, ys[i]!));
  }
  const xValue = littleEndianValue(x, xIn);
  const yValue = littleEndianValue(y, yIn);
  return xValue !== undefined && yValue !== undefined && sameBytes(xValue, yValue);
}

/** The value in little endian; undefined when a big endian value's VR does not say how to swap it. */
function littleEndianValue(element: DataElement, from: Dataset): Uint8Array | undefined {
  const value = element.value ?? new Uint8Array(0);
  if (from.encoding.littleEndian) return value;
  if (element.vr === 'UN') return value.length === 0 ? value : undefined;
  return swapBytes(value, valueSwapWidth(element, from));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}
