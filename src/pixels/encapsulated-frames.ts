/**
 * Encapsulated Pixel Data (PS3.5 A.4) cut into frames and built back. A frame is one or more
 * fragments; which fragments, in this order of trust:
 *
 * 1. one frame: every fragment;
 * 2. the Extended Offset Table (7FE0,0001) with its lengths (7FE0,0002), 64-bit offsets of
 *    each frame's item from the first fragment's item, one fragment per frame (PS3.5 A.4 c);
 * 3. the Basic Offset Table, 32-bit offsets of each frame's first item, counted the same way;
 * 4. as many fragments as frames: one fragment per frame;
 * 5. more fragments than frames and no table: for the JPEG family, JPEG-LS and JPEG 2000,
 *    whose codestreams end with the marker FFD9 (EOI, or EOC in JPEG 2000), a frame ends
 *    with the fragment that ends with it (a fragment may carry one padding byte after it).
 *
 * A table that does not match the fragments is not trusted and the next way is tried, with a
 * warning. Frames of several fragments are joined into one copy; single fragments are views.
 */
import type { Fragments } from '../dicom/element.js';
import { MedVeilError } from '../errors.js';

export interface ExtendedOffsetTable {
  /** (7FE0,0001), OV: one 64-bit little endian offset per frame. */
  readonly offsets: Uint8Array;
  /** (7FE0,0002), OV: one 64-bit little endian length per frame. */
  readonly lengths: Uint8Array;
}

export interface SplitFragmentsOptions {
  readonly extended?: ExtendedOffsetTable;
  /** Whether each frame's codestream ends with FFD9 (JPEG, JPEG-LS, JPEG 2000, HTJ2K). */
  readonly endsWithEoi: boolean;
  /** Reasons a table was not used are appended here. */
  readonly warnings?: string[];
}

/** PS3.5 A.4: each item has an 8-byte header (tag and length). */
const ITEM_HEADER = 8;

export function splitEncapsulatedFrames(pixelData: Fragments, numberOfFrames: number, options: SplitFragmentsOptions): Uint8Array[] {
  const { fragments } = pixelData;
  const warnings = options.warnings ?? [];
  if (fragments.length === 0) throw new MedVeilError('pixels', 'the encapsulated Pixel Data holds no fragments');
  if (numberOfFrames === 1) return [joined(fragments)];
  const starts = itemPositions(fragments);

  if (options.extended !== undefined) {
    const frames = byExtendedTable(fragments, starts, options.extended, numberOfFrames);
    if (typeof frames !== 'string') return frames;
    warnings.push(`the Extended Offset Table is not used: ${frames}`);
  }
  if (pixelData.offsetTable.length > 0) {
    const frames = byBasicTable(fragments, starts, pixelData.offsetTable, numberOfFrames);
    if (typeof frames !== 'string') return frames;
    warnings.push(`the Basic Offset Table is not used: ${frames}`);
  }
  if (fragments.length === numberOfFrames) return [...fragments];
  if (fragments.length < numberOfFrames) {
    throw new MedVeilError('pixels', `the encapsulated Pixel Data holds ${fragments.length} fragments for ${numberOfFrames} frames`);
  }
  if (!options.endsWithEoi) {
    throw new MedVeilError(
      'pixels',
      `${fragments.length} fragments for ${numberOfFrames} frames and no usable offset table: the frames cannot be told apart`,
    );
  }
  return byEndMarkers(fragments, numberOfFrames);
}

/**
 * The Pixel Data of `frames`, one fragment per frame, with a Basic Offset Table (PS3.5 A.4).
 * The table is left empty when an offset would not fit in 32 bits, as PS3.5 A.4 allows.
 */
export function encapsulateFrames(frames: readonly Uint8Array[]): Fragments {
  const offsets = new Uint8Array(frames.length * 4);
  const view = new DataView(offsets.buffer);
  let at = 0;
  for (let i = 0; i < frames.length; i++) {
    if (at > 0xffffffff) return { offsetTable: new Uint8Array(0), fragments: frames };
    view.setUint32(i * 4, at, true);
    // The writer pads an odd fragment to even length (PS3.5 A.4).
    at += ITEM_HEADER + frames[i]!.length + (frames[i]!.length % 2);
  }
  return { offsetTable: offsets, fragments: frames };
}

function itemPositions(fragments: readonly Uint8Array[]): Map<number, number> {
  const starts = new Map<number, number>();
  let at = 0;
  fragments.forEach((fragment, index) => {
    starts.set(at, index);
    at += ITEM_HEADER + fragment.length;
  });
  return starts;
}

function byExtendedTable(fragments: readonly Uint8Array[], starts: Map<number, number>, table: ExtendedOffsetTable, count: number): Uint8Array[] | string {
  if (table.offsets.length !== count * 8 || table.lengths.length !== count * 8) {
    return `it holds ${table.offsets.length / 8} offsets and ${table.lengths.length / 8} lengths for ${count} frames`;
  }
  const offsets = new DataView(table.offsets.buffer, table.offsets.byteOffset, table.offsets.byteLength);
  const lengths = new DataView(table.lengths.buffer, table.lengths.byteOffset, table.lengths.byteLength);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const index = starts.get(Number(offsets.getBigUint64(i * 8, true)));
    const length = Number(lengths.getBigUint64(i * 8, true));
    if (index === undefined) return `offset ${i} does not point at a fragment`;
    const fragment = fragments[index]!;
    // The stated length excludes the fragment's padding byte, when it has one.
    if (length > fragment.length || length < fragment.length - 1) return `length ${i} (${length}) does not match its fragment (${fragment.length} bytes)`;
    frames.push(fragment.subarray(0, length));
  }
  return frames;
}

function byBasicTable(fragments: readonly Uint8Array[], starts: Map<number, number>, table: Uint8Array, count: number): Uint8Array[] | string {
  if (table.length !== count * 4) return `it holds ${Math.floor(table.length / 4)} offsets for ${count} frames`;
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const firsts: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = starts.get(view.getUint32(i * 4, true));
    if (index === undefined) return `offset ${i} does not point at a fragment`;
    if (i === 0 ? index !== 0 : index <= firsts[i - 1]!) return 'the offsets do not ascend from the first fragment';
    firsts.push(index);
  }
  return firsts.map((first, i) => joined(fragments.slice(first, firsts[i + 1] ?? fragments.length)));
}

function byEndMarkers(fragments: readonly Uint8Array[], count: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let first = 0;
  fragments.forEach((fragment, index) => {
    if (endsWithEoi(fragment)) {
      frames.push(joined(fragments.slice(first, index + 1)));
      first = index + 1;
    }
  });
  if (frames.length !== count || first !== fragments.length) {
    throw new MedVeilError(
      'pixels',
      `${fragments.length} fragments for ${count} frames and no usable offset table; the end markers (FFD9) delimit ${frames.length} frames` +
        (first !== fragments.length ? ' and leave fragments over' : ''),
    );
  }
  return frames;
}

function endsWithEoi(fragment: Uint8Array): boolean {
  const n = fragment.length;
  if (n >= 2 && fragment[n - 2] === 0xff && fragment[n - 1] === 0xd9) return true;
  return n >= 3 && fragment[n - 1] === 0x00 && fragment[n - 3] === 0xff && fragment[n - 2] === 0xd9;
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
