import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticFrame } from '../../test/support/synthetic-frames.js';
import type { DecodedFrame, FrameGeometry } from './frame-codec.js';
import { mosaicFrame } from './mosaic.js';
import { testGeometry } from './testing-image-file.js';

const u8 = (geometry: Partial<FrameGeometry>, values: number[]): DecodedFrame => ({ geometry: testGeometry(geometry), samples: Uint8Array.from(values) });

test('mosaicFrame() gives every pixel of a block the rounded mean of the block, edge blocks smaller', () => {
  // 3 x 3, block 2: blocks [0,1,3,4], [2,5], [6,7], [8].
  const frame = u8({ rows: 3, columns: 3 }, [0, 10, 100, 20, 31, 200, 7, 8, 9]);
  assert.deepEqual([...mosaicFrame(frame, 2).samples], [15, 15, 150, 15, 15, 150, 8, 8, 9]);
});

test('mosaicFrame() refuses a block below 2, which would leave the frame as it is', () => {
  const frame = u8({ rows: 2, columns: 2 }, [1, 2, 3, 4]);
  for (const block of [1, 0, -2, 2.5]) assert.throws(() => mosaicFrame(frame, block), /at least 2/);
});

test('mosaicFrame() averages signed 16-bit samples within Bits Stored and writes them sign-extended, high bits cleared', () => {
  const geometry = testGeometry({ rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 });
  const samples = Buffer.alloc(4);
  // -3 in 12 bits with an overlay bit at 0x8000 set above; +1 with stray high bits.
  samples.writeUInt16LE(0x8ffd, 0);
  samples.writeUInt16LE(0x7001, 2);
  const out = Buffer.from(mosaicFrame({ geometry, samples }, 2).samples);
  // mean(-3, 1) = -1: 0xFFFF sign-extended in 16 bits.
  assert.deepEqual([out.readUInt16LE(0), out.readUInt16LE(2)], [0xffff, 0xffff]);
});

test('mosaicFrame() averages each colour sample apart, interleaved and planar alike', () => {
  const interleaved = u8({ rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'RGB' }, [10, 20, 30, 30, 40, 50]);
  assert.deepEqual([...mosaicFrame(interleaved, 2).samples], [20, 30, 40, 20, 30, 40]);
  const planar = u8({ rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 }, [10, 30, 20, 40, 30, 50]);
  assert.deepEqual([...mosaicFrame(planar, 2).samples], [20, 20, 30, 30, 40, 40]);
});

test('mosaicFrame() keeps YBR_FULL_422 pairs whole: an odd block widens to whole pairs, chroma averaged per pair', () => {
  // 1 row, 4 columns: pairs (Y1 Y2 Cb Cr) [10 20 100 200] and [30 40 110 210]; a block of 3 widens to 4 columns.
  const frame = u8({ rows: 1, columns: 4, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL_422' }, [10, 20, 100, 200, 30, 40, 110, 210]);
  assert.deepEqual([...mosaicFrame(frame, 3).samples], [25, 25, 105, 205, 25, 25, 105, 205]);
  assert.deepEqual([...mosaicFrame(frame, 2).samples], [15, 15, 100, 200, 35, 35, 110, 210]);
});

test('mosaicFrame() sets a 1-bit block when at least half its pixels are set', () => {
  // 1 x 8, block 4: 1100 -> 1111, 1000 -> 0000 (bits from the lowest).
  const frame = u8({ rows: 1, columns: 8, bitsAllocated: 1, bitsStored: 1 }, [0b0001_0011]);
  assert.deepEqual([...mosaicFrame(frame, 4).samples], [0b0000_1111]);
});

test('mosaicFrame() handles 32-bit samples', () => {
  const geometry = testGeometry({ rows: 1, columns: 2, bitsAllocated: 32, bitsStored: 32 });
  const samples = Buffer.alloc(8);
  samples.writeUInt32LE(4_000_000_000, 0);
  samples.writeUInt32LE(2_000_000_000, 4);
  const out = Buffer.from(mosaicFrame({ geometry, samples }, 2).samples);
  assert.deepEqual([out.readUInt32LE(0), out.readUInt32LE(4)], [3_000_000_000, 3_000_000_000]);
});

test('mosaicFrame() leaves no 4-byte run of a noisy 16-bit frame in place', () => {
  const frame = syntheticFrame(testGeometry({ rows: 37, columns: 53, bitsAllocated: 16, bitsStored: 16 }));
  const out = mosaicFrame(frame, 4).samples;
  assert.equal(out.length, frame.samples.length);
  // Within a block every pixel equals its neighbour: no two adjacent original samples survive side by side.
  let kept = 0;
  for (let i = 0; i + 4 <= out.length; i += 2) if (Buffer.compare(out.subarray(i, i + 4), frame.samples.subarray(i, i + 4)) === 0) kept++;
  assert.ok(kept < out.length / 200, `${kept} 4-byte windows kept`);
});

test('mosaicFrame() gives the same result for 16-bit samples at an odd address (read byte by byte) as at an even one', () => {
  for (const pixelRepresentation of [0, 1] as const) {
    const geometry = testGeometry({ rows: 9, columns: 11, bitsAllocated: 16, bitsStored: 12, pixelRepresentation });
    const even = syntheticFrame(geometry);
    const odd = new Uint8Array(even.samples.length + 1).subarray(1);
    odd.set(even.samples);
    assert.equal(odd.byteOffset % 2, 1);
    assert.deepEqual([...mosaicFrame({ geometry, samples: odd }, 4).samples], [...mosaicFrame(even, 4).samples]);
  }
});
