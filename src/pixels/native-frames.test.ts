import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { joinNativeFrames, splitNativeFrames } from './native-frames.js';
import { testGeometry } from './testing-image-file.js';

describe('splitNativeFrames() and joinNativeFrames()', () => {
  it('cuts whole-byte frames as views of the value and joins them back', () => {
    const geometry = testGeometry({ rows: 3, columns: 3, bitsAllocated: 16 });
    const value = Uint8Array.from({ length: 3 * 18 }, (_, i) => i);
    const frames = splitNativeFrames(value, geometry, 3);
    assert.deepEqual(frames.map((f) => [...f]), [0, 1, 2].map((n) => Array.from({ length: 18 }, (_, i) => n * 18 + i)));
    assert.equal(frames[1]!.buffer, value.buffer);
    assert.deepEqual(joinNativeFrames(frames, geometry), value);
  });

  it('repacks 1-bit frames that start inside a byte (PS3.5 8.1.1) and packs them back across byte boundaries', () => {
    // 3 x 3 pixels: 9 bits a frame, so frame 1 starts at bit 1 of byte 1 and frame 2 at bit 2 of byte 2.
    const geometry = testGeometry({ rows: 3, columns: 3, bitsAllocated: 1, bitsStored: 1 });
    const pixels = [1, 0, 1, 1, 0, 0, 1, 0, 1, /**/ 0, 1, 1, 0, 1, 0, 0, 1, 1, /**/ 1, 1, 1, 0, 0, 0, 1, 1, 0];
    const value = new Uint8Array(4);
    pixels.forEach((bit, i) => { if (bit) value[i >> 3]! |= 1 << (i & 7); });
    const frames = splitNativeFrames(value, geometry, 3);
    frames.forEach((frame, n) => {
      assert.equal(frame.length, 2);
      const bits = Array.from({ length: 16 }, (_, i) => (frame[i >> 3]! >> (i & 7)) & 1);
      assert.deepEqual(bits, [...pixels.slice(n * 9, n * 9 + 9), 0, 0, 0, 0, 0, 0, 0]);
    });
    assert.deepEqual(joinNativeFrames(frames, geometry), value);
  });

  it('ignores padding after the last frame and pads the joined value to even length', () => {
    const geometry = testGeometry({ rows: 1, columns: 3 });
    assert.deepEqual([...splitNativeFrames(new Uint8Array([1, 2, 3, 0]), geometry, 1)[0]!], [1, 2, 3]);
    assert.deepEqual([...joinNativeFrames([new Uint8Array([1, 2, 3])], geometry)], [1, 2, 3, 0]);
  });

  it('refuses a value shorter than its frames, and frames of the wrong size', () => {
    const geometry = testGeometry({ rows: 2, columns: 2, bitsAllocated: 16 });
    assert.throws(() => splitNativeFrames(new Uint8Array(15), geometry, 2), (e: unknown) => e instanceof MedVeilError && /15 bytes, fewer than the 16/.test(e.message));
    assert.throws(() => joinNativeFrames([new Uint8Array(7)], geometry), MedVeilError);
  });
});
