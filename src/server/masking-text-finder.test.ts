import assert from 'node:assert/strict';
import { test } from 'node:test';
import { burnedInTextGeometry, frameSamples, renderBurnedInText } from '../../test/support/burned-in-text.js';
import { fillRegions } from '../pixels/fill-regions.js';
import { lazyOcrTextFinder } from './masking-text-finder.js';

test('the masked views\' OCR starts with the first frame, finds the text in it, and refuses frames once closed', async () => {
  const image = renderBurnedInText({ width: 640, height: 480, bits: 8, background: { kind: 'anatomy-like', seed: 5, level: 0.25 }, texts: [{ text: 'WANG^FANG 1958', x: 380, y: 20, size: 22 }] });
  const geometry = burnedInTextGeometry(image, { modality: 'CR' });
  const frame = { geometry, samples: frameSamples(image, geometry) };
  const finder = lazyOcrTextFinder(['eng']);
  try {
    const regions = await finder.findTextRegions(frame, 0);
    const filled = fillRegions(frame, regions).frame.samples;
    const box = image.boxes[0]!;
    // Every pixel of the text's ink box took the fill (black on MONOCHROME2).
    for (let row = box.top; row < box.top + box.height; row++) {
      for (let column = box.left; column < box.left + box.width; column++) assert.equal(filled[row * image.columns + column], 0, `pixel ${column},${row}`);
    }
  } finally {
    await finder.close();
  }
  await assert.rejects(finder.findTextRegions(frame, 0), /closing/);
});
