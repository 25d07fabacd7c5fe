import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLICIT_BIG, IMPLICIT_LITTLE } from '../dicom/dataset.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { swapBytes } from '../dicom/write-swap-bytes.js';
import type { FrameGeometry } from './frame-codec.js';
import { frameCodecFor } from './frame-codecs.js';
import { frameBitLength } from './frame-geometry.js';
import { readFrames } from './read-frames.js';
import { testGeometry, testImageFile, testSamples } from './testing-image-file.js';
import { writeFrames } from './write-frames.js';

const SYNTAXES = [
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.1.98',
  '1.2.840.10008.1.2.5',
];

const GEOMETRIES: ReadonlyArray<readonly [string, FrameGeometry]> = [
  ['8-bit', testGeometry()],
  ['16-bit signed', testGeometry({ bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 })],
  ['32-bit', testGeometry({ bitsAllocated: 32, bitsStored: 32 })],
  ['RGB planar 0', testGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB' })],
  ['RGB planar 1, 16-bit', testGeometry({ samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 16, photometricInterpretation: 'RGB', planarConfiguration: 1 })],
  ['1-bit, 35 pixels a frame', testGeometry({ bitsAllocated: 1, bitsStored: 1 })],
];

/** Frames of samples; a 1-bit frame's spare bits after its last pixel are zero. */
function framesOf(geometry: FrameGeometry, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const samples = testSamples(geometry, i + 1);
    const spare = samples.length * 8 - frameBitLength(geometry);
    if (spare > 0) samples[samples.length - 1]! &= 0xff >>> spare;
    return samples;
  });
}

async function encodeAll(frames: readonly Uint8Array[], geometry: FrameGeometry, uid: string) {
  const codec = frameCodecFor(uid);
  const encoded = await Promise.all(frames.map((samples) => codec.encode({ geometry, samples }, uid)));
  return { transferSyntaxUid: uid, geometry: encoded[0]!.geometry, frames: encoded.map((e) => e.encoded) };
}

async function decodeFile(bytes: Uint8Array) {
  const read = readDicomFile(bytes);
  const { transferSyntaxUid, geometry, frames } = readFrames(read);
  const codec = frameCodecFor(transferSyntaxUid);
  const decoded = await Promise.all(frames.map((frame) => codec.decode(frame, geometry)));
  return { read, samples: decoded.map((d) => d.samples) };
}

describe('writeFrames() and readFrames()', () => {
  for (const [name, geometry] of GEOMETRIES) {
    for (const uid of SYNTAXES) {
      if (uid === '1.2.840.10008.1.2.5' && geometry.bitsAllocated === 1) continue;
      it(`${name}, 3 frames, ${uid}: written, read back and decoded, every sample is the same`, async () => {
        const frames = framesOf(geometry, 3);
        const file = testImageFile(geometry, 3);
        writeFrames(file, await encodeAll(frames, geometry, uid));
        const { read, samples } = await decodeFile(encodeDicomFile(file));
        assert.equal(read.transferSyntaxUid, uid);
        assert.equal(read.meta.getString(Tag.TransferSyntaxUID), uid);
        assert.deepEqual(samples, frames);
      });
    }
  }

  it('writes 8-, 16- and 32-bit frames from a big endian and from an implicit VR data set into every syntax', async () => {
    for (const geometry of [testGeometry(), testGeometry({ bitsAllocated: 16, bitsStored: 12 }), testGeometry({ bitsAllocated: 32, bitsStored: 32 })]) {
      for (const encoding of [EXPLICIT_BIG, IMPLICIT_LITTLE]) {
        for (const uid of SYNTAXES) {
          const frames = framesOf(geometry, 2);
          const file = testImageFile(geometry, 2, { encoding, transferSyntaxUid: encoding === EXPLICIT_BIG ? '1.2.840.10008.1.2.2' : '1.2.840.10008.1.2' });
          writeFrames(file, await encodeAll(frames, geometry, uid));
          assert.deepEqual((await decodeFile(encodeDicomFile(file))).samples, frames, uid);
        }
      }
    }
  });

  it('writes a big endian file with each 16- and 32-bit sample swapped whole, as pydicom and dcmtk read it', async () => {
    for (const [geometry, width] of [[testGeometry({ bitsAllocated: 16, bitsStored: 16 }), 2], [testGeometry({ bitsAllocated: 32, bitsStored: 32 }), 4]] as const) {
      const frames = framesOf(geometry, 1);
      const file = testImageFile(geometry, 1);
      writeFrames(file, await encodeAll(frames, geometry, '1.2.840.10008.1.2.2'));
      const written = readDicomFile(encodeDicomFile(file)).dataset.get(Tag.PixelData)!.value!;
      assert.deepEqual(written, swapBytes(frames[0]!, width));
    }
  });

  it('states a codec\'s Photometric Interpretation, Planar Configuration and the Number of Frames', async () => {
    const geometry = testGeometry({ samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 });
    const file = testImageFile(geometry, 2);
    file.dataset.set({ tag: Tag.ExtendedOffsetTable, vr: 'OV', value: new Uint8Array(16) });
    file.dataset.set({ tag: Tag.ExtendedOffsetTableLengths, vr: 'OV', value: new Uint8Array(16) });
    const changed = { ...geometry, photometricInterpretation: 'YBR_FULL', planarConfiguration: 0 as const };
    writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.5', geometry: changed, frames: [new Uint8Array(64), new Uint8Array(64), new Uint8Array(64)] });
    assert.equal(file.dataset.getString(Tag.PhotometricInterpretation), 'YBR_FULL');
    assert.equal(file.dataset.getNumber(Tag.PlanarConfiguration), 0);
    assert.equal(file.dataset.getNumber(Tag.NumberOfFrames), 3);
    assert.equal(file.dataset.get(Tag.PlanarConfiguration)!.vr, 'US');
    assert.equal(file.dataset.has(Tag.ExtendedOffsetTable), false);
    assert.equal(file.dataset.has(Tag.ExtendedOffsetTableLengths), false);
    assert.equal(file.dataset.has(Tag.LossyImageCompression), false);
  });

  it('states the geometry of the frames in the Image Pixel module when it differs', () => {
    const file = testImageFile(testGeometry({ rows: 10, columns: 10, bitsAllocated: 16, bitsStored: 12 }), 1);
    const smaller = testGeometry({ rows: 4, columns: 6, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 1 });
    writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry: smaller, frames: [new Uint8Array(24)] });
    for (const [tag, value] of [[Tag.Rows, 4], [Tag.Columns, 6], [Tag.BitsAllocated, 8], [Tag.BitsStored, 8], [Tag.HighBit, 7], [Tag.PixelRepresentation, 1]] as const) {
      assert.equal(file.dataset.getNumber(tag), value);
    }
    assert.deepEqual(readFrames(file).geometry, smaller);
  });

  it('records a lossy syntax: Lossy Image Compression 01, and each step\'s ratio and method appended', () => {
    const geometry = testGeometry({ rows: 10, columns: 10 });
    const file = testImageFile(geometry, 1);
    writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.4.50', geometry, frames: [new Uint8Array(25)] });
    assert.equal(file.dataset.getString(Tag.LossyImageCompression), '01');
    assert.deepEqual(file.dataset.getStrings(Tag.LossyImageCompressionRatio), ['4']);
    assert.deepEqual(file.dataset.getStrings(Tag.LossyImageCompressionMethod), ['ISO_10918_1']);
    writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.4.91', geometry, frames: [new Uint8Array(30)] });
    assert.deepEqual(file.dataset.getStrings(Tag.LossyImageCompressionRatio), ['4', '3.33333']);
    assert.deepEqual(file.dataset.getStrings(Tag.LossyImageCompressionMethod), ['ISO_10918_1', 'ISO_15444_1']);
    // A reversible encoding in a lossy-capable syntax, as its codec reports it, adds nothing.
    writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.4.91', geometry, frames: [new Uint8Array(50)] }, { lossy: false });
    assert.deepEqual(file.dataset.getStrings(Tag.LossyImageCompressionRatio), ['4', '3.33333']);
  });

  it('refuses Pixel Data whose form does not match the transfer syntax', () => {
    const geometry = testGeometry();
    const file = testImageFile(geometry, 1, { transferSyntaxUid: '1.2.840.10008.1.2.5' });
    file.dataset.set({ tag: Tag.PixelData, vr: 'OB', value: new Uint8Array(36) });
    assert.throws(() => readFrames(file), /native, but the transfer syntax is RLE Lossless/);
    file.transferSyntaxUid = '1.2.840.10008.1.2.1';
    file.dataset.set({ tag: Tag.PixelData, vr: 'OB', fragments: { offsetTable: new Uint8Array(0), fragments: [new Uint8Array(2)] } });
    assert.throws(() => readFrames(file), /encapsulated, but Explicit VR Little Endian needs it native/);
    file.dataset.delete(Tag.PixelData);
    assert.throws(() => readFrames(file), /no Pixel Data/);
  });
});
