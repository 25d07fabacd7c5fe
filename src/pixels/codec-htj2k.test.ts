import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { LOSSLESS_GEOMETRIES } from '../../test/support/lossless-frames.js';
import { pydicomSamplePath, readPixelSample } from '../../test/support/pixel-sample-files.js';
import { syntheticFrame, syntheticGeometry } from '../../test/support/synthetic-frames.js';
import { HTJ2K, HTJ2K_LOSSLESS, HTJ2K_RPCL_LOSSLESS, htj2kCodec } from './codec-htj2k.js';
import { jpeg2000Codec } from './codec-jpeg-2000.js';
import { interleaved } from './codec-frame-checks.js';

const isPixelsError = (error: unknown): boolean => error instanceof MedVeilError && error.code === 'pixels';

/** Whether a marker (0xFF then `code`) occurs in the codestream's main header or tile-part headers. */
function hasMarker(encoded: Uint8Array, code: number): boolean {
  for (let i = 0; i + 1 < encoded.length; i++) if (encoded[i] === 0xff && encoded[i + 1] === code) return true;
  return false;
}

describe('htj2kCodec', () => {
  for (const [name, geometry] of LOSSLESS_GEOMETRIES) {
    for (const syntax of [HTJ2K_LOSSLESS, HTJ2K_RPCL_LOSSLESS, HTJ2K]) {
      it(`gives back every sample of a ${name} frame written in ${syntax}`, async () => {
        const frame = syntheticFrame(geometry);
        const written = await htj2kCodec.encode(frame, syntax);
        assert.equal(written.geometry.photometricInterpretation, geometry.samplesPerPixel === 3 ? 'YBR_RCT' : 'MONOCHROME2');
        const decoded = await htj2kCodec.decode(written.encoded, written.geometry);
        assert.equal(decoded.geometry.photometricInterpretation, geometry.photometricInterpretation);
        assert.deepEqual(decoded.samples, interleaved(frame, geometry.bitsAllocated / 8));
      });
    }
  }

  it('writes the RPCL options syntax with a TLM marker segment, and the others without', async () => {
    const frame = syntheticFrame(syntheticGeometry({ rows: 64, columns: 64 }));
    assert.ok(hasMarker((await htj2kCodec.encode(frame, HTJ2K_RPCL_LOSSLESS)).encoded, 0x55));
    assert.ok(!hasMarker((await htj2kCodec.encode(frame, HTJ2K_LOSSLESS)).encoded.subarray(0, 200), 0x55));
  });

  it('writes YBR_FULL colour as it is, without the colour transform', async () => {
    const frame = syntheticFrame(syntheticGeometry({ samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' }));
    const written = await htj2kCodec.encode(frame, HTJ2K_LOSSLESS);
    assert.equal(written.geometry.photometricInterpretation, 'YBR_FULL');
    const decoded = await htj2kCodec.decode(written.encoded, written.geometry);
    assert.deepEqual([decoded.geometry.photometricInterpretation, decoded.samples], ['YBR_FULL', frame.samples]);
  });

  it("writes MR_small's 16-bit signed frame so that OpenJPEG, an independent decoder, reads back exactly its Pixel Data", async () => {
    const twin = readPixelSample(pydicomSamplePath('MR_small.dcm'));
    const written = await htj2kCodec.encode({ geometry: twin.geometry, samples: new Uint8Array(twin.native!) }, HTJ2K_LOSSLESS);
    const decoded = await jpeg2000Codec.decode(written.encoded, written.geometry);
    assert.deepEqual(decoded.samples, new Uint8Array(twin.native!));
  });

  it('refuses truncated, foreign and mis-sized frames with a pixels error, and decodes the next good frame', async () => {
    const frame = syntheticFrame(syntheticGeometry({ bitsAllocated: 16, bitsStored: 12 }));
    const { encoded, geometry: g } = await htj2kCodec.encode(frame, HTJ2K_LOSSLESS);
    const hostile: Array<[Uint8Array, typeof g]> = [
      [encoded.subarray(0, 40), g],
      [encoded.subarray(0, encoded.length >> 1), g],
      [encoded.subarray(0, encoded.length - 3), g],
      [new Uint8Array(300).fill(7), g],
      [encoded, { ...g, columns: g.columns - 1 }],
      [encoded, { ...g, samplesPerPixel: 3, photometricInterpretation: 'RGB' }],
      [encoded, { ...g, bitsAllocated: 8, bitsStored: 8 }],
    ];
    for (const [bytes, geometry] of hostile) await assert.rejects(htj2kCodec.decode(bytes, geometry), isPixelsError);
    assert.deepEqual((await htj2kCodec.decode(encoded, g)).samples, frame.samples);
  });
});
