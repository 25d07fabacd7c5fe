import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Dataset } from '../dicom/dataset.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { sequenceElement } from '../dicom/element.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { cleanPixels } from './clean-pixels.js';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';
import { frameCodecFor } from './frame-codecs.js';
import { fillSamples } from './fill-regions.js';
import { parsePixelRules } from './pixel-rules.js';
import { readFrames } from './read-frames.js';
import { testGeometry, testImageFile, testSamples } from './testing-image-file.js';
import { transcodeFrames } from './transcode-frames.js';
import { writeFrames } from './write-frames.js';

const rules = parsePixelRules({
  rules: [
    { name: 'test device header', match: { manufacturer: 'Test Devices', modality: 'US' }, regions: [{ left: 0, top: 0, height: 2 }] },
    { name: 'test device corner', match: { manufacturer: 'test devices', rows: { min: 10 } }, regions: [{ left: -4, top: -3, width: 4, height: 3 }] },
    { name: 'another device', match: { manufacturer: 'Other' }, regions: [{ left: 0, top: 0 }] },
  ],
}, 'test rules');

/** Header band (rows 0-1) and bottom-right corner, as the rules above place them in a rows x columns image. */
function inRules(row: number, column: number, rows: number, columns: number): boolean {
  return row < 2 || (row >= rows - 3 && column >= columns - 4);
}

async function imageFile(geometry: FrameGeometry, frames: Uint8Array[], transferSyntaxUid: string): Promise<DicomFile> {
  const file = testImageFile(geometry, frames.length);
  file.dataset.setString(Tag.Manufacturer, ' TEST DEVICES ');
  file.dataset.setString(Tag.Modality, 'US');
  writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry, frames });
  if (transferSyntaxUid !== '1.2.840.10008.1.2.1') await transcodeFrames(file, transferSyntaxUid);
  return readDicomFile(encodeDicomFile(file));
}

async function decodedFrames(file: DicomFile): Promise<DecodedFrame[]> {
  const { transferSyntaxUid, geometry, frames } = readFrames(file);
  return Promise.all(frames.map((frame) => frameCodecFor(transferSyntaxUid).decode(frame, geometry)));
}

/** The value of sample `s` of pixel (row, column), whatever the planar configuration. */
function sampleAt(frame: DecodedFrame, row: number, column: number, s: number): number {
  const g = frame.geometry;
  const index = g.planarConfiguration === 1 ? (s * g.rows + row) * g.columns + column : (row * g.columns + column) * g.samplesPerPixel + s;
  const view = new DataView(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
  if (g.bitsAllocated === 8) return view.getUint8(index);
  return g.pixelRepresentation === 1 ? view.getInt16(index * 2, true) : view.getUint16(index * 2, true);
}

const GEOMETRIES: Array<[string, Partial<FrameGeometry>]> = [
  ['8-bit MONOCHROME2', {}],
  ['8-bit MONOCHROME1', { photometricInterpretation: 'MONOCHROME1' }],
  ['12-bit MONOCHROME2', { bitsAllocated: 16, bitsStored: 12 }],
  ['16-bit MONOCHROME1', { bitsAllocated: 16, bitsStored: 16, photometricInterpretation: 'MONOCHROME1' }],
  ['16-bit signed MONOCHROME2', { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 }],
  ['8-bit RGB', { samplesPerPixel: 3, photometricInterpretation: 'RGB' }],
  ['8-bit planar RGB', { samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 }],
];

/** Samples of `geometry` with nothing above High Bit, so that only the rules change them. */
function storedSamples(geometry: FrameGeometry, seed: number): Uint8Array {
  const samples = testSamples(geometry, seed);
  if (geometry.bitsAllocated === 16 && geometry.bitsStored < 16) {
    for (let i = 1; i < samples.length; i += 2) samples[i]! &= (1 << (geometry.bitsStored - 8)) - 1;
  }
  return samples;
}
const SYNTAXES: Array<[string, string]> = [
  ['Explicit VR Little Endian', '1.2.840.10008.1.2.1'],
  ['RLE Lossless', '1.2.840.10008.1.2.5'],
  ['JPEG-LS Lossless', '1.2.840.10008.1.2.4.80'],
  ['JPEG 2000 Lossless', '1.2.840.10008.1.2.4.90'],
  ['HTJ2K Lossless', '1.2.840.10008.1.2.4.201'],
];

describe('cleanPixels()', () => {
  for (const [syntaxName, uid] of SYNTAXES) {
    for (const [geometryName, overrides] of GEOMETRIES) {
      it(`fills the matched rectangles of every frame of a ${geometryName} image in ${syntaxName}, keeps every other pixel and the syntax`, async () => {
        const geometry = testGeometry({ rows: 16, columns: 24, ...overrides });
        const original = [storedSamples(geometry, 11), storedSamples(geometry, 12), storedSamples(geometry, 13)];
        const file = await imageFile(geometry, original, uid);
        const before = await decodedFrames(file);

        const report = await cleanPixels(file, { rules });
        assert.deepEqual(report.rulesMatched, ['test device header', 'test device corner']);
        assert.deepEqual(report.regionsPerFrame, [2, 2, 2]);
        assert.equal(report.transferSyntaxChanged, undefined);
        assert.equal(report.framesWithHighBitsCleared, 0);

        const cleaned = readDicomFile(encodeDicomFile(file));
        assert.equal(cleaned.transferSyntaxUid, uid);
        assert.equal(cleaned.dataset.has(Tag.LossyImageCompression), false);
        const after = await decodedFrames(cleaned);
        const fill = fillSamples(after[0]!.geometry);
        for (const [f, frame] of after.entries()) {
          for (let row = 0; row < geometry.rows; row++) {
            for (let column = 0; column < geometry.columns; column++) {
              for (let s = 0; s < geometry.samplesPerPixel; s++) {
                const expected = inRules(row, column, geometry.rows, geometry.columns) ? fill[s] : sampleAt(before[f]!, row, column, s);
                assert.equal(sampleAt(frame, row, column, s), expected, `frame ${f} (${row}, ${column}) sample ${s}`);
              }
            }
          }
        }
      });
    }
  }

  it('writes a JPEG baseline image, which it cannot re-encode losslessly, in Explicit VR Little Endian and says so', async () => {
    // 64 x 64: the libjpeg-turbo build refuses to encode some frames smaller than that.
    const geometry = testGeometry({ rows: 64, columns: 64 });
    const file = await imageFile(geometry, [testSamples(geometry, 1)], '1.2.840.10008.1.2.4.50');
    const before = (await decodedFrames(file))[0]!;
    const report = await cleanPixels(file, { rules });
    assert.deepEqual(report.transferSyntaxChanged, { from: '1.2.840.10008.1.2.4.50', to: '1.2.840.10008.1.2.1' });
    const cleaned = readDicomFile(encodeDicomFile(file));
    assert.equal(cleaned.transferSyntaxUid, '1.2.840.10008.1.2.1');
    // The earlier lossy compression stays recorded.
    assert.equal(cleaned.dataset.getString(Tag.LossyImageCompression), '01');
    const after = (await decodedFrames(cleaned))[0]!;
    assert.equal(sampleAt(after, 0, 0, 0), 0);
    assert.equal(sampleAt(after, 5, 5, 0), sampleAt(before, 5, 5, 0));
  });

  it('fills a native YBR_FULL_422 image in whole pixel pairs with Y 0 and neutral chroma', async () => {
    const geometry = testGeometry({ rows: 16, columns: 24, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' });
    const samples = new Uint8Array(16 * 12 * 4).fill(200);
    const file = await imageFile(geometry, [samples], '1.2.840.10008.1.2.1');
    await cleanPixels(file, { rules: parsePixelRules({ rules: [{ name: 'odd box', match: {}, regions: [{ left: 3, top: 4, width: 2, height: 1 }] }] }, 'test') });
    const [frame] = await decodedFrames(file);
    assert.equal(frame!.geometry.photometricInterpretation, 'YBR_FULL_422');
    // Row 4 holds 12 pairs of Y1 Y2 Cb Cr; columns 3-4 touch pairs 1 and 2.
    const row = [...frame!.samples.subarray(4 * 48, 5 * 48)];
    assert.deepEqual(row, [200, 200, 200, 200, 0, 0, 128, 128, 0, 0, 128, 128, ...new Array(36).fill(200)]);
    assert.equal(frame!.samples.filter((value) => value !== 200).length, 8);
  });

  it('fills a JPEG baseline colour image black in the colour space it decodes to', async () => {
    const geometry = testGeometry({ rows: 64, columns: 64, samplesPerPixel: 3, photometricInterpretation: 'RGB' });
    const file = await imageFile(geometry, [new Uint8Array(64 * 64 * 3).fill(180)], '1.2.840.10008.1.2.4.50');
    await cleanPixels(file, { rules });
    const [frame] = await decodedFrames(readDicomFile(encodeDicomFile(file)));
    const black = fillSamples(frame!.geometry);
    for (let s = 0; s < 3; s++) assert.equal(sampleAt(frame!, 0, 10, s), black[s]);
    assert.notEqual(sampleAt(frame!, 30, 30, 0), black[0], 'the middle of the image is not filled');
  });

  it('fills what the finder reports on the frame it reports it for, after the rules', async () => {
    const geometry = testGeometry({ rows: 16, columns: 24 });
    const frames = [testSamples(geometry, 1).fill(77), testSamples(geometry, 2).fill(77)];
    const file = await imageFile(geometry, frames, '1.2.840.10008.1.2.5');
    const seen: number[] = [];
    const report = await cleanPixels(file, {
      rules,
      findTextRegions: async (frame, index) => {
        seen.push(index);
        assert.equal(sampleAt(frame, 0, 0, 0), 0, 'the finder sees the rules already applied');
        return index === 1 ? [{ left: 10, top: 8, width: 3, height: 2 }] : [];
      },
    });
    assert.deepEqual(seen, [0, 1]);
    assert.deepEqual(report.regionsPerFrame, [2, 3]);
    const [first, second] = await decodedFrames(file);
    assert.equal(sampleAt(first!, 8, 10, 0), 77);
    assert.equal(sampleAt(second!, 8, 10, 0), 0);
    assert.equal(sampleAt(second!, 8, 13, 0), 77);
  });

  it('re-encodes the unchanged frames before a later frame with text, and gives them back exactly', async () => {
    const geometry = testGeometry({ rows: 16, columns: 24, bitsAllocated: 16, bitsStored: 16 });
    const frames = [testSamples(geometry, 1), testSamples(geometry, 2), testSamples(geometry, 3)];
    const file = await imageFile(geometry, frames, '1.2.840.10008.1.2.4.80');
    const report = await cleanPixels(file, { rules: [], findTextRegions: async (_frame, index) => (index === 2 ? [{ left: 0, top: 0, width: 2, height: 2 }] : []) });
    assert.deepEqual(report.regionsPerFrame, [0, 0, 1]);
    const after = await decodedFrames(readDicomFile(encodeDicomFile(file)));
    assert.equal(after.length, 3);
    assert.deepEqual(after[0]!.samples, frames[0]);
    assert.deepEqual(after[1]!.samples, frames[1]);
    assert.equal(sampleAt(after[2]!, 1, 1, 0), 0);
    assert.equal(sampleAt(after[2]!, 2, 2, 0), sampleAt({ geometry, samples: frames[2]! }, 2, 2, 0));
  });

  it('clears overlay bits kept above High Bit, keeping the sign of signed samples', async () => {
    const geometry = testGeometry({ rows: 16, columns: 24, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 });
    const samples = new Uint8Array(16 * 24 * 2);
    const view = new DataView(samples.buffer);
    for (let i = 0; i < 16 * 24; i++) view.setInt16(i * 2, i % 2 === 0 ? -5 : 100, true);
    view.setUint16(2 * 101, 100 | 0x1000, true); // an overlay bit at bit 12 over a positive sample
    view.setUint16(2 * 102, 0x0ffb, true); // -5 with the high bits cleared by an overlay
    const file = await imageFile(geometry, [samples], '1.2.840.10008.1.2.1');
    const report = await cleanPixels(file, { rules: [] });
    assert.equal(report.framesWithHighBitsCleared, 1);
    const [frame] = await decodedFrames(file);
    const out = new DataView(frame!.samples.buffer, frame!.samples.byteOffset);
    for (let i = 0; i < 16 * 24; i++) assert.equal(out.getInt16(i * 2, true), i % 2 === 0 ? -5 : 100, `sample ${i}`);
  });

  it('removes every overlay group and the icon thumbnails at any depth, and leaves Pixel Data untouched when no rule matched', async () => {
    const geometry = testGeometry({ rows: 16, columns: 24 });
    const file = await imageFile(geometry, [testSamples(geometry, 1)], '1.2.840.10008.1.2.1');
    const pixelBefore = file.dataset.get(Tag.PixelData);
    for (const group of [0x6000, 0x6002]) {
      file.dataset.set({ tag: (group << 16) | 0x0010, vr: 'US', value: new Uint8Array([16, 0]) });
      file.dataset.set({ tag: (group << 16) | 0x3000, vr: 'OW', value: new Uint8Array(32).fill(0xff) });
    }
    const icon = (parent: Dataset): Dataset => {
      const item = new Dataset(parent.encoding, parent);
      item.set({ tag: Tag.Rows, vr: 'US', value: new Uint8Array([4, 0]) });
      item.set({ tag: Tag.PixelData, vr: 'OB', value: new Uint8Array(16).fill(9) });
      return item;
    };
    file.dataset.set(sequenceElement(Tag.IconImageSequence, [icon(file.dataset)]));
    const holder = new Dataset(file.dataset.encoding, file.dataset);
    holder.set(sequenceElement(Tag.IconImageSequence, [icon(holder)]));
    file.dataset.set(sequenceElement(Tag.ReferencedImageSequence, [holder]));
    file.dataset.setString(Tag.Manufacturer, 'Nobody');

    const report = await cleanPixels(file, { rules });
    assert.deepEqual(report.overlayGroupsRemoved, [0x6000, 0x6002]);
    assert.equal(report.iconSequencesRemoved, 2);
    assert.deepEqual(report.rulesMatched, []);
    assert.equal(file.dataset.get(Tag.PixelData), pixelBefore);

    const cleaned = readDicomFile(encodeDicomFile(file));
    assert.equal(cleaned.dataset.tags().some((tag) => tag >>> 16 >= 0x6000 && tag >>> 16 <= 0x601e), false);
    assert.equal(cleaned.dataset.has(Tag.IconImageSequence), false);
    assert.equal(cleaned.dataset.get(Tag.ReferencedImageSequence)!.items![0]!.has(Tag.IconImageSequence), false);
  });

  it('removes overlays and icons from a data set without Pixel Data, and matches no rule', async () => {
    const file = testImageFile(testGeometry(), 1);
    file.dataset.set({ tag: 0x601e3000, vr: 'OW', value: new Uint8Array(8) });
    file.dataset.set(sequenceElement(Tag.IconImageSequence, [new Dataset(file.dataset.encoding, file.dataset)]));
    const report = await cleanPixels(file, { rules });
    assert.deepEqual(report, { rulesMatched: [], regionsPerFrame: [], framesWithHighBitsCleared: 0, overlayGroupsRemoved: [0x601e], iconSequencesRemoved: 1 });
    assert.equal(file.dataset.has(0x601e3000), false);
  });

  it('refuses, with a MedVeilError, Pixel Data it cannot decode, and changes nothing', async () => {
    const geometry = testGeometry({ rows: 16, columns: 24 });
    const file = await imageFile(geometry, [testSamples(geometry, 1)], '1.2.840.10008.1.2.5');
    file.dataset.set({ tag: Tag.PixelData, vr: 'OB', fragments: { offsetTable: new Uint8Array(0), fragments: [new Uint8Array([1, 2, 3])] }, undefinedLength: true });
    file.dataset.set({ tag: 0x60003000, vr: 'OW', value: new Uint8Array(32) });
    await assert.rejects(cleanPixels(file, { rules }), (error: unknown) => error instanceof MedVeilError && error.code === 'pixels');
    assert.equal(file.dataset.has(0x60003000), true, 'a refused file is left as it came');
  });

  it('leaves a file that dcmdump reads without complaint and that dciodvfy finds nothing new in', async () => {
    const geometry = testGeometry({ rows: 16, columns: 24, samplesPerPixel: 3, photometricInterpretation: 'RGB' });
    const file = await imageFile(geometry, [testSamples(geometry, 1), testSamples(geometry, 2)], '1.2.840.10008.1.2.4.80');
    const folder = mkdtempSync(join(tmpdir(), 'medveil-clean-pixels-'));
    try {
      const before = join(folder, 'before.dcm');
      const after = join(folder, 'after.dcm');
      writeFileSync(before, encodeDicomFile(file));
      await cleanPixels(file, { rules });
      writeFileSync(after, encodeDicomFile(file));
      const dump = spawnSync('dcmdump', ['+E', after], { encoding: 'utf8' });
      assert.equal(dump.status, 0, dump.stderr);
      assert.equal(dump.stderr, '');
      assert.match(dump.stdout, /\(7fe0,0010\) OB \(PixelSequence/);
      assert.match(dump.stdout, /\(0002,0010\) UI =JPEGLSLossless/);
      // The test file is a bare secondary capture, so dciodvfy has complaints; cleaning must add none.
      const messages = (path: string): string[] => {
        const run = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
        return `${run.stdout}${run.stderr}`.split('\n').filter((line) => line !== '').sort();
      };
      assert.deepEqual(messages(after), messages(before));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
