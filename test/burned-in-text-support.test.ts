import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameCodecFor } from '../src/pixels/frame-codecs.js';
import { fillRegions } from '../src/pixels/fill-regions.js';
import { readFrames } from '../src/pixels/read-frames.js';
import { burnedInTextFile, renderBurnedInText, unfilledPixels } from './support/burned-in-text.js';

describe('burned-in text test images', () => {
  it('renderBurnedInText() changes pixels only inside the boxes it reports, and some inside each', () => {
    const spec = { width: 320, height: 200, bits: 16, background: { kind: 'gradient', level: 0.3 } } as const;
    const plain = renderBurnedInText({ ...spec, texts: [] });
    const texts = [
      { text: 'DOE^JANE 0012345', x: 10, y: 8, font: 'Liberation Mono', size: 18 },
      { text: '2026-11-23', x: 150, y: 160, font: 'DejaVu Serif', size: 22, value: 0.9 },
    ];
    const planted = renderBurnedInText({ ...spec, texts });
    assert.equal(planted.boxes.length, 2);
    const inBox = new Array<number>(planted.boxes.length).fill(0);
    for (let row = 0; row < planted.rows; row++) {
      for (let column = 0; column < planted.columns; column++) {
        const i = row * planted.columns + column;
        if (plain.pixels[i] === planted.pixels[i]) continue;
        const box = planted.boxes.findIndex((b) => column >= b.left && column < b.left + b.width && row >= b.top && row < b.top + b.height);
        assert.notEqual(box, -1, `pixel (${row}, ${column}) changed outside every box`);
        inBox[box]!++;
      }
    }
    assert.ok(inBox.every((count) => count > 20), `changed pixels per box: ${inBox.join(', ')}`);
  });

  it('burnedInTextFile() stores MONOCHROME1 inverted, 12 of 16 bits, and unfilledPixels() sees a filled box as covered', async () => {
    const image = renderBurnedInText({ width: 120, height: 60, bits: 16, texts: [{ text: 'ID 42', x: 4, y: 4, size: 20 }] });
    const file = await burnedInTextFile(image, { modality: 'CR', photometricInterpretation: 'MONOCHROME1', bitsStored: 12, transferSyntaxUid: '1.2.840.10008.1.2.5' });
    const read = readFrames(file);
    const frame = await frameCodecFor(read.transferSyntaxUid).decode(read.frames[0]!, read.geometry);
    const view = new DataView(frame.samples.buffer, frame.samples.byteOffset);
    for (const i of [0, 5 * 120 + 7, 59 * 120 + 119]) assert.equal(view.getUint16(i * 2, true), 4095 - (image.pixels[i]! >> 4));
    const box = image.boxes[0]!;
    assert.ok(unfilledPixels(frame, box) > 0);
    assert.equal(unfilledPixels(fillRegions(frame, [box]).frame, box), 0);
  });
});
