/**
 * dcmtk as a peer of our RLE Lossless codec: dcmdrle decodes our RLE files to our samples, and
 * we decode dcmcrle's RLE files (one fragment per frame, or frames split into several
 * fragments found through the Basic Offset Table) to the samples it compressed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { RLE_LOSSLESS, rleLosslessCodec } from '../src/pixels/codec-rle.js';
import type { FrameGeometry } from '../src/pixels/frame-codec.js';
import { frameCodecFor } from '../src/pixels/frame-codecs.js';
import { readFrames } from '../src/pixels/read-frames.js';
import { testGeometry, testImageFile, testSamples } from '../src/pixels/testing-image-file.js';
import { writeFrames } from '../src/pixels/write-frames.js';
import { runDcmtk } from './support/dcmtk.js';

const IMAGES: ReadonlyArray<readonly [string, FrameGeometry, number]> = [
  ['8-bit MONOCHROME2, odd size', testGeometry({ rows: 31, columns: 47 }), 1],
  ['16-bit signed, 3 frames', testGeometry({ rows: 64, columns: 300, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 }), 3],
  ['32-bit', testGeometry({ rows: 20, columns: 21, bitsAllocated: 32, bitsStored: 32 }), 2],
  ['RGB planar 0, 2 frames', testGeometry({ rows: 40, columns: 33, samplesPerPixel: 3, photometricInterpretation: 'RGB' }), 2],
  ['RGB planar 1', testGeometry({ rows: 40, columns: 33, samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 }), 1],
];

const scratch = mkdtempSync(join(tmpdir(), 'medveil-rle-dcmtk-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function framesOfFile(path: string) {
  const file = readDicomFile(readFileSync(path));
  const { transferSyntaxUid, geometry, frames } = readFrames(file);
  const codec = frameCodecFor(transferSyntaxUid);
  return { transferSyntaxUid, geometry, samples: await Promise.all(frames.map(async (frame) => (await codec.decode(frame, geometry)).samples)) };
}

/** The samples of a colour frame in the other planar configuration. */
function inPlanarConfiguration(samples: Uint8Array, geometry: FrameGeometry, planar: 0 | 1): Uint8Array {
  if (geometry.samplesPerPixel === 1 || geometry.planarConfiguration === planar) return samples;
  const width = geometry.bitsAllocated / 8;
  const pixels = geometry.rows * geometry.columns;
  const out = new Uint8Array(samples.length);
  for (let p = 0; p < pixels; p++) {
    for (let s = 0; s < 3; s++) {
      const interleaved = (p * 3 + s) * width;
      const planed = (s * pixels + p) * width;
      const [from, to] = planar === 1 ? [interleaved, planed] : [planed, interleaved];
      out.set(samples.subarray(from, from + width), to);
    }
  }
  return out;
}

async function run(tool: string, args: readonly string[]): Promise<void> {
  const result = await runDcmtk(tool, args);
  assert.equal(result.status, 0, result.output);
}

describe('RLE Lossless against dcmtk', () => {
  for (const [name, geometry, count] of IMAGES) {
    const frames = Array.from({ length: count }, (_, i) => testSamples(geometry, i + 7));

    it(`${name}: dcmdrle decodes our RLE to our samples`, async () => {
      const file = testImageFile(geometry, count);
      const encoded = await Promise.all(frames.map((samples) => rleLosslessCodec.encode({ geometry, samples }, RLE_LOSSLESS)));
      writeFrames(file, { transferSyntaxUid: RLE_LOSSLESS, geometry, frames: encoded.map((e) => e.encoded) });
      const ours = join(scratch, `ours-${name}.dcm`);
      const back = join(scratch, `dcmdrle-${name}.dcm`);
      writeFileSync(ours, encodeDicomFile(file));
      await run('dcmdrle', [ours, back]);
      const decoded = await framesOfFile(back);
      assert.equal(decoded.transferSyntaxUid, '1.2.840.10008.1.2.1');
      const planar = decoded.geometry.planarConfiguration;
      assert.deepEqual(decoded.samples, frames.map((samples) => inPlanarConfiguration(samples, geometry, planar)));
    });

    for (const [label, args] of [['one fragment per frame', []], ['frames split into 1 KiB fragments', ['+fs', '1']]] as const) {
      it(`${name}: we decode dcmcrle's RLE (${label}) to the samples it compressed`, async () => {
        const file = testImageFile(geometry, count);
        writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry, frames });
        const native = join(scratch, `native-${name}.dcm`);
        const rle = join(scratch, `dcmcrle-${name}-${args.length}.dcm`);
        writeFileSync(native, encodeDicomFile(file));
        await run('dcmcrle', [...args, native, rle]);
        const decoded = await framesOfFile(rle);
        assert.equal(decoded.transferSyntaxUid, RLE_LOSSLESS);
        const planar = decoded.geometry.planarConfiguration;
        assert.deepEqual(decoded.samples, frames.map((samples) => inPlanarConfiguration(samples, geometry, planar)));
      });
    }
  }
});
