/**
 * Byte order of native Pixel Data. A Dataset holds a value as the file it was read from held
 * it, and the writer swaps it by `pixelDataSwapWidth` when the file it writes has the other
 * byte order: a big endian file holds each sample of 16 or 32 bits swapped as a whole (pydicom's
 * reading; dcmtk swaps 32-bit samples by words, see that function), and 8-bit samples in OW
 * swapped by words (PS3.5 8.2); OB is never swapped. A native frame of a transfer syntax holds
 * each sample in that syntax's byte order. These functions convert between the two, so that
 * what `valueInDatasetOrder` puts in a data set is written as the syntax's frames.
 */
import type { DatasetEncoding } from '../dicom/dataset.js';
import type { VR } from '../dicom/vr.js';
import { pixelDataSwapWidth, swapBytes } from '../dicom/write-swap-bytes.js';
import type { FrameGeometry } from './frame-codec.js';

export interface NativeByteOrder {
  /** The element's VR and the data set's encoding say how the value is held. */
  readonly vr: VR;
  readonly encoding: DatasetEncoding;
  /** Whether the transfer syntax (of the file read, or to be written) is little endian. */
  readonly syntaxLittleEndian: boolean;
}

/** Bytes of one sample: the unit a big endian transfer syntax swaps. */
export function sampleWidth(geometry: Pick<FrameGeometry, 'bitsAllocated'>): number {
  return geometry.bitsAllocated >= 16 ? geometry.bitsAllocated / 8 : 1;
}

/** A Pixel Data value as held in the data set, in the byte order of the transfer syntax's frames. */
export function valueInSyntaxOrder(value: Uint8Array, geometry: FrameGeometry, order: NativeByteOrder): Uint8Array {
  const stored = pixelDataSwapWidth(order.vr, geometry.bitsAllocated);
  const inFile = order.encoding.littleEndian === order.syntaxLittleEndian ? value : swapBytes(value, stored);
  const width = sampleWidth(geometry);
  if (order.syntaxLittleEndian || stored === width) return inFile;
  return swapBytes(swapBytes(inFile, stored), width);
}

/** The inverse of `valueInSyntaxOrder`: frames joined in the syntax's order, as the data set must hold them. */
export function valueInDatasetOrder(joined: Uint8Array, geometry: FrameGeometry, order: NativeByteOrder): Uint8Array {
  const stored = pixelDataSwapWidth(order.vr, geometry.bitsAllocated);
  const width = sampleWidth(geometry);
  const inFile = order.syntaxLittleEndian || stored === width ? joined : swapBytes(swapBytes(joined, width), stored);
  return order.encoding.littleEndian === order.syntaxLittleEndian ? inFile : swapBytes(inFile, stored);
}

