import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { RLE_LOSSLESS, rleLosslessCodec } from './codec-rle.js';
import type { FrameGeometry } from './frame-codec.js';
import { decodeRleFrame } from './rle-decode.js';
import { encodeRleFrame } from './rle-encode.js';
import { testGeometry, testSamples } from './testing-image-file.js';

const VARIANTS: ReadonlyArray<readonly [string, FrameGeometry]> = [
  ['8-bit MONOCHROME2', testGeometry()],
  ['8-bit, odd size 1 x 1', testGeometry({ rows: 1, columns: 1 })],
  ['16-bit signed, odd size 13 x 257 (rows wider than a 128-byte run)', testGeometry({ rows: 13, columns: 257, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 })],
  ['32-bit', testGeometry({ bitsAllocated: 32, bitsStored: 32 })],
  ['RGB planar 0', testGeometry({ rows: 9, columns: 11, samplesPerPixel: 3, photometricInterpretation: 'RGB' })],
  ['RGB planar 1', testGeometry({ rows: 9, columns: 11, samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 })],
  ['YBR_FULL 16-bit', testGeometry({ samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 16, photometricInterpretation: 'YBR_FULL' })],
  ['RGB 32-bit (12 segments)', testGeometry({ samplesPerPixel: 3, bitsAllocated: 32, bitsStored: 32, photometricInterpretation: 'RGB' })],
];

const header = (count: number, ...offsets: number[]) => {
  const out = new Uint8Array(64);
  const view = new DataView(out.buffer);
  view.setUint32(0, count, true);
  offsets.forEach((offset, i) => view.setUint32(4 + 4 * i, offset, true));
  return out;
};
const frame = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('the RLE Lossless codec', () => {
  for (const [name, geometry] of VARIANTS) {
    it(`${name}: decode(encode(frame)) gives back every sample`, async () => {
      for (const seed of [1, 2]) {
        const samples = testSamples(geometry, seed);
        const { encoded, geometry: encodedGeometry } = await rleLosslessCodec.encode({ geometry, samples }, RLE_LOSSLESS);
        assert.deepEqual(encodedGeometry, geometry);
        assert.equal(encoded.length % 2, 0);
        const decoded = await rleLosslessCodec.decode(encoded, geometry);
        assert.deepEqual(decoded.samples, samples);
      }
    });
  }

  it('writes the header and PackBits segments of PS3.5 G: MSB plane first, replicate and literal runs', () => {
    const geometry = testGeometry({ rows: 1, columns: 4, bitsAllocated: 16, bitsStored: 16 });
    // Samples 0x0102, 0x0103, 0x0104, 0x0105 (little endian): MSB plane 01 01 01 01, LSB plane 02 03 04 05.
    const encoded = encodeRleFrame(Uint8Array.from([2, 1, 3, 1, 4, 1, 5, 1]), geometry);
    assert.deepEqual([...encoded.subarray(0, 12)], [2, 0, 0, 0, 64, 0, 0, 0, 66, 0, 0, 0]);
    assert.deepEqual([...encoded.subarray(64)], [0xfd, 1, 3, 2, 3, 4, 5, 0]);
  });

  it('decodes a -128 header as nothing and ignores bytes after a full plane', () => {
    const geometry = testGeometry({ rows: 1, columns: 3 });
    const decoded = decodeRleFrame(frame(header(1, 64), Uint8Array.from([0x80, 0xfe, 7, 0, 9, 0])), geometry);
    assert.deepEqual([...decoded], [7, 7, 7]);
  });

  it('drops what a last run would write past a full plane, replicate or literal', () => {
    const geometry = testGeometry({ rows: 1, columns: 3 });
    assert.deepEqual([...decodeRleFrame(frame(header(1, 64), Uint8Array.from([0x81, 5])), geometry)], [5, 5, 5]);
    assert.deepEqual([...decodeRleFrame(frame(header(1, 64), Uint8Array.from([0x01, 1, 2, 0x01, 3, 4])), geometry)], [1, 2, 3]);
  });

  const geometry = testGeometry({ rows: 2, columns: 2 });
  const hostile: ReadonlyArray<readonly [string, Uint8Array, RegExp]> = [
    ['a frame shorter than the header', new Uint8Array(10), /shorter than the 64-byte header/],
    ['more than 15 segments', frame(header(16, 64), new Uint8Array(8)), /16 segments, not 1 to 15/],
    ['no segments', frame(header(0), new Uint8Array(8)), /0 segments/],
    ['a segment count that does not match samples x bytes', frame(header(2, 64, 66), Uint8Array.from([0xfd, 1, 0xfd, 1])), /2 segments, but 1 samples of 1 bytes need 1/],
    ['an offset inside the header', frame(header(1, 8), new Uint8Array(8)), /starts at 8/],
    ['an offset past the end', frame(header(1, 1000), new Uint8Array(8)), /starts at 1000, outside/],
    ['a literal run past the segment end', frame(header(1, 64), Uint8Array.from([3, 1, 2])), /literal run of 4 bytes in segment 0 runs past its end/],
    ['a replicate run with no byte to repeat', frame(header(1, 64), Uint8Array.from([0xfd])), /replicate run in segment 0 runs past its end/],
    ['a segment that decodes to too little', frame(header(1, 64), Uint8Array.from([0xff, 1])), /decodes to 2 bytes, fewer than the 4/],
    ['a segment far too short for its plane', frame(header(1, 64), Uint8Array.from([0x81, 1])), /holds 2 bytes, too few to decode to a plane of 4294836225/],
    ['segment offsets out of order', frame(header(3, 70, 66, 74), new Uint8Array(12)), /segment 1 starts at 66, not after segment 0/],
  ];
  for (const [name, input, message] of hostile) {
    it(`refuses ${name} with a MedVeilError`, async () => {
      const g = name.startsWith('segment offsets')
        ? testGeometry({ rows: 2, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'RGB' })
        : name.includes('far too short') ? testGeometry({ rows: 65535, columns: 65535 }) : geometry;
      await assert.rejects(rleLosslessCodec.decode(input, g), (e: unknown) => e instanceof MedVeilError && e.code === 'pixels' && message.test(e.message));
    });
  }

  it('every prefix and every single-byte corruption of a valid frame decodes or is refused with a MedVeilError', () => {
    const g = testGeometry({ rows: 6, columns: 9, samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 16, photometricInterpretation: 'RGB' });
    const valid = encodeRleFrame(testSamples(g, 4), g);
    const outcome = (input: Uint8Array): void => {
      try {
        assert.equal(decodeRleFrame(input, g).length, 6 * 9 * 3 * 2);
      } catch (error) {
        assert.ok(error instanceof MedVeilError, String(error));
      }
    };
    for (let n = 0; n < valid.length; n++) outcome(valid.subarray(0, n));
    for (let at = 0; at < valid.length; at++) {
      for (const value of [0x00, 0x7f, 0x80, 0x81, 0xff]) {
        const corrupt = valid.slice();
        corrupt[at] = value;
        outcome(corrupt);
      }
    }
  });

  it('refuses 1-bit samples, YBR_FULL_422 and another syntax', async () => {
    await assert.rejects(rleLosslessCodec.encode({ geometry: testGeometry({ bitsAllocated: 1, bitsStored: 1 }), samples: new Uint8Array(5) }, RLE_LOSSLESS), /whole bytes/);
    await assert.rejects(rleLosslessCodec.decode(new Uint8Array(80), testGeometry({ columns: 6, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' })), /YBR_FULL_422/);
    await assert.rejects(rleLosslessCodec.encode({ geometry, samples: new Uint8Array(4) }, '1.2.840.10008.1.2.1'), MedVeilError);
  });
});
