/**
 * The frames of an instance's Pixel Data (7FE0,0010), for the frames, bulkdata and rendered
 * resources of WADO-RS. Pure: views into the data set's buffer, copied only where the bytes
 * must change (byte order, 1-bit frames that do not start on a byte).
 *
 * - Native (PS3.5 8.1.1): frame n is bytes [n·size, (n+1)·size) with size = Rows × Columns ×
 *   Samples per Pixel × Bits Allocated / 8; served little endian (PS3.18 8.7.3.3.1), so a big
 *   endian data set is swapped. 1-bit frames are bit ranges, repacked to start at bit 0.
 * - Encapsulated (PS3.5 A.4): a frame is one or more fragments, found through the Basic
 *   Offset Table, else the Extended Offset Table (7FE0,0001), else one fragment per frame,
 *   else the fragments that open a codestream (JPEG SOI, JPEG 2000 SOC).
 */
import type { Dataset } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { pixelDataSwapWidth, swapBytes } from '../dicom/write-swap-bytes.js';

export interface ImagePixelFacts {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  /** 0 unsigned, 1 two's complement (PS3.3 C.7.6.3.1.7). */
  readonly pixelRepresentation: number;
  readonly photometricInterpretation: string;
  readonly numberOfFrames: number;
}

export type PixelFrames =
  | { readonly kind: 'native'; readonly facts: ImagePixelFacts; frame(index: number): Uint8Array }
  | { readonly kind: 'encapsulated'; readonly facts: ImagePixelFacts; frame(index: number): readonly Uint8Array[] };

export type PixelFramesResult = { readonly ok: true; readonly frames: PixelFrames } | { readonly ok: false; readonly message: string };

export function imagePixelFacts(dataset: Dataset): ImagePixelFacts | undefined {
  const whole = (tag: number, fallback?: number): number | undefined => {
    const value = dataset.getNumber(tag) ?? fallback;
    return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
  };
  const rows = whole(Tag.Rows);
  const columns = whole(Tag.Columns);
  const bitsAllocated = whole(Tag.BitsAllocated);
  if (rows === undefined || columns === undefined || bitsAllocated === undefined || rows <= 0 || columns <= 0) return undefined;
  const numberOfFrames = whole(Tag.NumberOfFrames, 1)!;
  return {
    rows,
    columns,
    samplesPerPixel: whole(Tag.SamplesPerPixel, 1)!,
    bitsAllocated,
    bitsStored: whole(Tag.BitsStored, bitsAllocated)!,
    pixelRepresentation: whole(Tag.PixelRepresentation, 0)!,
    photometricInterpretation: (dataset.getString(Tag.PhotometricInterpretation) ?? '').trim().toUpperCase(),
    numberOfFrames: numberOfFrames > 0 ? numberOfFrames : 1,
  };
}

export function pixelFrames(dataset: Dataset): PixelFramesResult {
  const element = dataset.get(Tag.PixelData);
  if (element === undefined) return { ok: false, message: 'the instance has no Pixel Data' };
  const facts = imagePixelFacts(dataset);
  if (facts === undefined) return { ok: false, message: 'the instance lacks Rows, Columns or Bits Allocated' };
  if (element.fragments !== undefined) {
    const groups = frameFragments(element.fragments.offsetTable, element.fragments.fragments, facts.numberOfFrames, dataset);
    if (groups === undefined) return { ok: false, message: 'the fragments of the Pixel Data cannot be assigned to frames' };
    return { ok: true, frames: { kind: 'encapsulated', facts, frame: (index) => groups[index]! } };
  }
  const value = element.value ?? new Uint8Array(0);
  const frameBits = facts.rows * facts.columns * facts.samplesPerPixel * facts.bitsAllocated;
  if (frameBits * facts.numberOfFrames > value.length * 8) return { ok: false, message: 'the Pixel Data is shorter than its frames' };
  // The writer's rule (src/dicom/write-swap-bytes.ts), so frames and written files agree.
  const width = dataset.encoding.littleEndian ? 1 : pixelDataSwapWidth(element.vr, facts.bitsAllocated);
  return {
    ok: true,
    frames: {
      kind: 'native',
      facts,
      frame: (index) => {
        if (frameBits % 8 !== 0) return bitRange(value, index * frameBits, frameBits);
        const bytes = value.subarray((index * frameBits) / 8, ((index + 1) * frameBits) / 8);
        return swapBytes(bytes, width);
      },
    },
  };
}

/** `count` bits from bit `start` (PS3.5 8.1.1: the first pixel in the lowest bit), from bit 0 on. */
function bitRange(bytes: Uint8Array, start: number, count: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) {
    const from = start + i;
    if ((bytes[from >> 3]! >> (from & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** The fragments of each frame, or undefined when the table and the fragments disagree. */
function frameFragments(offsetTable: Uint8Array, fragments: readonly Uint8Array[], frames: number, dataset: Dataset): Uint8Array[][] | undefined {
  if (fragments.length === 0) return undefined;
  if (frames === 1) return [[...fragments]];
  const basic = offsetTable.length >= 4 && offsetTable.length % 4 === 0 ? readOffsets(offsetTable, 4) : undefined;
  const extendedElement = dataset.get(Tag.ExtendedOffsetTable);
  const extended = extendedElement?.value !== undefined && extendedElement.value.length % 8 === 0 && extendedElement.value.length > 0 ? readOffsets(extendedElement.value, 8) : undefined;
  for (const offsets of [basic, extended]) {
    if (offsets === undefined || offsets.length !== frames) continue;
    const groups = groupByOffsets(fragments, offsets);
    if (groups !== undefined) return groups;
  }
  if (fragments.length === frames) return fragments.map((fragment) => [fragment]);
  const starts = fragments.flatMap((fragment, index) => (opensCodestream(fragment) ? [index] : []));
  if (starts.length !== frames || starts[0] !== 0) return undefined;
  return starts.map((start, i) => fragments.slice(start, starts[i + 1] ?? fragments.length));
}

function readOffsets(bytes: Uint8Array, width: 4 | 8): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let at = 0; at < bytes.length; at += width) out.push(width === 4 ? view.getUint32(at, true) : Number(view.getBigUint64(at, true)));
  return out;
}

/** Offsets count from the first fragment's item tag; each item has an 8-byte header (PS3.5 A.4). */
function groupByOffsets(fragments: readonly Uint8Array[], offsets: readonly number[]): Uint8Array[][] | undefined {
  const positions: number[] = [];
  let at = 0;
  for (const fragment of fragments) {
    positions.push(at);
    at += 8 + fragment.length;
  }
  const firsts = offsets.map((offset) => positions.indexOf(offset));
  if (firsts.some((index, i) => index < 0 || (i > 0 && index <= firsts[i - 1]!)) || firsts[0] !== 0) return undefined;
  return firsts.map((first, i) => fragments.slice(first, firsts[i + 1] ?? fragments.length));
}

/** JPEG, JPEG-LS SOI (FFD8) and JPEG 2000 SOC (FF4F): where a frame's codestream begins. */
function opensCodestream(fragment: Uint8Array): boolean {
  return fragment.length >= 2 && fragment[0] === 0xff && (fragment[1] === 0xd8 || fragment[1] === 0x4f);
}
