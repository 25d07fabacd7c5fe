/**
 * Byte order of native Pixel Data. A data set holds values in its own byte order, swapped per
 * value of the element's VR (PS3.5 7.3: OW by 16-bit words, OB never); a native frame of a
 * transfer syntax holds each sample in that syntax's byte order, swapped per sample. The two
 * differ when 8-bit samples sit in OW (whose words swap in big endian) or 32-bit samples in
 * OW (swapped by words, not by samples), so a value is converted through little endian.
 */
import type { DatasetEncoding } from '../dicom/dataset.js';
import type { VR } from '../dicom/vr.js';
import { swapBytes, swapWidth } from '../dicom/write-swap-bytes.js';
import type { FrameGeometry } from './frame-codec.js';

export interface NativeByteOrder {
  /** The element's VR and the data set's encoding say how the value is held. */
  readonly vr: VR;
  readonly encoding: DatasetEncoding;
  /** Whether the transfer syntax's frames are little endian. */
  readonly syntaxLittleEndian: boolean;
}

/** Bytes of one sample: the unit a big endian transfer syntax swaps. */
export function sampleWidth(geometry: Pick<FrameGeometry, 'bitsAllocated'>): number {
  return geometry.bitsAllocated >= 16 ? geometry.bitsAllocated / 8 : 1;
}

/** A Pixel Data value as held in the data set, in the byte order of the transfer syntax's frames. */
export function valueInSyntaxOrder(value: Uint8Array, geometry: FrameGeometry, order: NativeByteOrder): Uint8Array {
  const valueWidth = swapWidth(order.vr);
  const width = sampleWidth(geometry);
  if (order.encoding.littleEndian === order.syntaxLittleEndian && (order.syntaxLittleEndian || valueWidth === width)) return value;
  const little = order.encoding.littleEndian ? value : swapBytes(value, valueWidth);
  return order.syntaxLittleEndian ? little : swapBytes(little, width);
}

/** The inverse of `valueInSyntaxOrder`: frames joined in the syntax's order, as the data set must hold them. */
export function valueInDatasetOrder(joined: Uint8Array, geometry: FrameGeometry, order: NativeByteOrder): Uint8Array {
  const valueWidth = swapWidth(order.vr);
  const width = sampleWidth(geometry);
  if (order.encoding.littleEndian === order.syntaxLittleEndian && (order.syntaxLittleEndian || valueWidth === width)) return joined;
  const little = order.syntaxLittleEndian ? joined : swapBytes(joined, width);
  return order.encoding.littleEndian ? little : swapBytes(little, valueWidth);
}
