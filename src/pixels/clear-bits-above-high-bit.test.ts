import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearBitsAboveHighBit } from './clear-bits-above-high-bit.js';
import { testGeometry } from './testing-image-file.js';

function words(values: number[], byteOffset = 0): Uint8Array {
  const bytes = new Uint8Array(byteOffset + values.length * 2);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setUint16(byteOffset + 2 * i, value, true));
  return bytes.subarray(byteOffset);
}

function wordsOf(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 2 }, (_, i) => view.getUint16(2 * i, true));
}

describe('clearBitsAboveHighBit', () => {
  const geometry12 = testGeometry({ rows: 1, columns: 4, bitsAllocated: 16, bitsStored: 12 });

  it('zeroes the bits above High Bit of unsigned 16-bit samples, leaving the input as it was', () => {
    const samples = words([0x0123, 0xf123, 0x1fff, 0x0fff]);
    const result = clearBitsAboveHighBit({ geometry: geometry12, samples });
    assert.equal(result.changed, true);
    assert.deepEqual(wordsOf(result.frame.samples), [0x0123, 0x0123, 0x0fff, 0x0fff]);
    assert.deepEqual(wordsOf(samples), [0x0123, 0xf123, 0x1fff, 0x0fff]);
  });

  it('extends the sign of signed samples over the cleared bits', () => {
    const geometry = { ...geometry12, pixelRepresentation: 1 as const };
    const result = clearBitsAboveHighBit({ geometry, samples: words([0x0ffb, 0x7ffb, 0x07ff, 0xf7ff]) });
    assert.deepEqual(wordsOf(result.frame.samples), [0xfffb, 0xfffb, 0x07ff, 0x07ff]);
  });

  it('reads samples that start on an odd address as well', () => {
    const result = clearBitsAboveHighBit({ geometry: geometry12, samples: words([0xf001, 0x0002, 0x8003, 0x0004], 1) });
    assert.deepEqual(wordsOf(result.frame.samples), [0x0001, 0x0002, 0x0003, 0x0004]);
  });

  it('clears 8-bit samples and reports no change when nothing was above High Bit', () => {
    const geometry = testGeometry({ rows: 1, columns: 3, bitsStored: 6 });
    const changed = clearBitsAboveHighBit({ geometry, samples: Uint8Array.of(0xc1, 0x3f, 0x40) });
    assert.deepEqual([...changed.frame.samples], [0x01, 0x3f, 0x00]);
    const same = { geometry, samples: Uint8Array.of(0x01, 0x3f, 0x00) };
    assert.deepEqual(clearBitsAboveHighBit(same), { frame: same, changed: false });
  });

  it('leaves frames whose samples fill their whole width alone', () => {
    const frame = { geometry: testGeometry({ rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 16 }), samples: words([0xffff, 0x8000]) };
    assert.equal(clearBitsAboveHighBit(frame).frame, frame);
  });
});
