/**
 * Puts encoded frames into a file as its Pixel Data, and makes the rest of the file agree:
 * the transfer syntax (the file's and the meta's), the Image Pixel module as the geometry states
 * it (Photometric Interpretation and Planar Configuration as the codec left them), Number of
 * Frames, and, after a lossy syntax, Lossy
 * Image Compression (0028,2110) "01" with the ratio and method of this step appended to any
 * earlier ones (PS3.3 C.7.6.1.1.5). Native frames become one value in the data set's byte
 * order; encapsulated ones one fragment each, with a Basic Offset Table (PS3.5 A.4).
 */
import type { DicomFile } from '../dicom/dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { lookupTransferSyntax } from '../dicom/transfer-syntax.js';
import { MedVeilError } from '../errors.js';
import { encapsulateFrames } from './encapsulated-frames.js';
import { frameByteLength } from './frame-geometry.js';
import { valueInDatasetOrder } from './native-byte-order.js';
import { joinNativeFrames } from './native-frames.js';
import type { EncodedFrames } from './read-frames.js';

export interface WriteFramesOptions {
  /**
   * Whether this encoding lost information; by default whether the syntax is one of the lossy
   * ones. A codec that wrote a lossy-capable syntax reversibly (JPEG 2000 5-3) says false.
   */
  readonly lossy?: boolean;
}

/** PS3.3 C.7.6.1.1.5.1 Lossy Image Compression Method, by transfer syntax. */
const LOSSY_METHODS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.1.2.4.50', 'ISO_10918_1'],
  ['1.2.840.10008.1.2.4.51', 'ISO_10918_1'],
  ['1.2.840.10008.1.2.4.81', 'ISO_14495_1'],
  ['1.2.840.10008.1.2.4.91', 'ISO_15444_1'],
  ['1.2.840.10008.1.2.4.93', 'ISO_15444_2'],
  ['1.2.840.10008.1.2.4.203', 'ISO_15444_15'],
  ['1.2.840.10008.1.2.4.111', 'ISO_18181_1'],
  ['1.2.840.10008.1.2.4.112', 'ISO_18181_1'],
]);

export function writeFrames(file: DicomFile, encoded: EncodedFrames, options: WriteFramesOptions = {}): void {
  const { transferSyntaxUid, geometry, frames } = encoded;
  const syntax = lookupTransferSyntax(transferSyntaxUid);
  if (syntax === undefined) throw new MedVeilError('pixels', `unknown transfer syntax ${transferSyntaxUid}`);
  if (frames.length === 0) throw new MedVeilError('pixels', 'Pixel Data needs at least one frame');
  const { dataset } = file;

  for (const tag of [Tag.ExtendedOffsetTable, Tag.ExtendedOffsetTableLengths, Tag.EncapsulatedPixelDataValueTotalLength]) dataset.delete(tag);
  if (syntax.encapsulated) {
    dataset.set({ tag: Tag.PixelData, vr: 'OB', fragments: encapsulateFrames(frames), undefinedLength: true });
  } else {
    const vr = geometry.bitsAllocated > 8 ? 'OW' : 'OB';
    const value = valueInDatasetOrder(joinNativeFrames(frames, geometry), geometry, {
      vr,
      encoding: dataset.encoding,
      syntaxLittleEndian: syntax.littleEndian,
    });
    dataset.set({ tag: Tag.PixelData, vr, value, undefinedLength: false });
  }

  if (dataset.getString(Tag.PhotometricInterpretation)?.trim() !== geometry.photometricInterpretation) {
    dataset.setString(Tag.PhotometricInterpretation, geometry.photometricInterpretation);
  }
  const unsignedShorts: ReadonlyArray<readonly [number, number]> = [
    [Tag.SamplesPerPixel, geometry.samplesPerPixel],
    [Tag.Rows, geometry.rows],
    [Tag.Columns, geometry.columns],
    [Tag.BitsAllocated, geometry.bitsAllocated],
    [Tag.BitsStored, geometry.bitsStored],
    [Tag.HighBit, geometry.bitsStored - 1],
    [Tag.PixelRepresentation, geometry.pixelRepresentation],
    ...(geometry.samplesPerPixel > 1 ? [[Tag.PlanarConfiguration, geometry.planarConfiguration] as const] : []),
  ];
  for (const [tag, value] of unsignedShorts) {
    if (dataset.getNumber(tag) !== value) dataset.set({ tag, vr: 'US', value: uint16(value, dataset.encoding.littleEndian) });
  }
  if ((dataset.has(Tag.NumberOfFrames) || frames.length > 1) && dataset.getNumber(Tag.NumberOfFrames) !== frames.length) {
    dataset.setString(Tag.NumberOfFrames, String(frames.length));
  }

  const method = LOSSY_METHODS.get(transferSyntaxUid);
  if (options.lossy ?? method !== undefined) {
    const original = frameByteLength(geometry) * frames.length;
    const compressed = frames.reduce((sum, frame) => sum + frame.length, 0);
    dataset.setString(Tag.LossyImageCompression, '01');
    // DS is at most 16 characters (PS3.5 6.2).
    const ratio = String(Number((original / compressed).toPrecision(6)));
    dataset.setStrings(Tag.LossyImageCompressionRatio, [...dataset.getStrings(Tag.LossyImageCompressionRatio), ratio]);
    // A syntax without a defined method term (PS3.3 C.7.6.1.1.5.1) records the ratio alone.
    if (method !== undefined) {
      dataset.setStrings(Tag.LossyImageCompressionMethod, [...dataset.getStrings(Tag.LossyImageCompressionMethod), method]);
    }
  }

  file.transferSyntaxUid = transferSyntaxUid;
  file.meta.setString(Tag.TransferSyntaxUID, transferSyntaxUid, 'UI');
}

function uint16(value: number, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, littleEndian);
  return out;
}
