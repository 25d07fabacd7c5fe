import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { darkOnWhite, resizeGrey, stackBoxToFrame, stackCrops, toPgm } from './ocr-crop-stack.js';
import { testGeometry } from './testing-image-file.js';
import type { TextCandidate } from './text-candidates.js';

describe('OCR crop stacks', () => {
  it('darkOnWhite() turns light text on a dark ground into dark text on white, stretched to full contrast', () => {
    const data = new Uint8Array(100).fill(40);
    for (let i = 0; i < 20; i++) data[i * 5] = 120;
    const out = darkOnWhite({ width: 10, height: 10, data });
    assert.equal(out.data[1], 255);
    assert.equal(out.data[0], 0);
  });

  it('darkOnWhite() keeps dark text on a light ground as it is', () => {
    const data = new Uint8Array(100).fill(200);
    for (let i = 0; i < 20; i++) data[i * 5] = 10;
    const out = darkOnWhite({ width: 10, height: 10, data });
    assert.equal(out.data[1], 255);
    assert.equal(out.data[0], 0);
  });

  it('resizeGrey() enlarges and reduces to the scaled size, keeping a flat image flat', () => {
    const flat = { width: 30, height: 10, data: new Uint8Array(300).fill(77) };
    for (const scale of [3, 0.5, 0.125]) {
      const out = resizeGrey(flat, scale);
      assert.deepEqual([out.width, out.height], [Math.max(1, Math.round(30 * scale)), Math.max(1, Math.round(10 * scale))]);
      assert.ok(out.data.every((v) => v === 77));
    }
  });

  it('stackCrops() places crops one under another, and stackBoxToFrame() maps a box in the stack back to frame pixels', () => {
    const geometry = testGeometry({ rows: 200, columns: 300 });
    const frame = { geometry, samples: new Uint8Array(200 * 300).map((_, i) => (i % 7 === 0 ? 250 : 10)) };
    const candidates: TextCandidate[] = [
      { left: 50, top: 20, width: 100, height: 16, lineHeight: 12, strength: 0.2 },
      { left: 10, top: 150, width: 60, height: 40, lineHeight: 24, strength: 0.2 },
    ];
    const stack = stackCrops(frame, { low: 0, high: 255, invert: false }, candidates, [0, 1], { lineHeight: 24, margin: 10 });
    const [first, second] = stack.placements;
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(first.scale, 2);
    assert.equal(second.scale, 1);
    // Widened by a line height each side, clipped to the frame.
    assert.deepEqual(first.crop, { left: 38, top: 20, width: 124, height: 16 });
    assert.deepEqual(second.crop, { left: 0, top: 150, width: 94, height: 40 });
    assert.equal(second.top, first.top + first.height + 10);
    assert.equal(stack.image.width, Math.max(first.width, second.width) + 20);
    // A word at stack (x 30..70, y 14..30) lies in the first crop at (10..30, 2..10) / 2.
    const mapped = stackBoxToFrame(stack, { x0: 30, y0: first.top + 4, x1: 70, y1: first.top + 20 });
    assert.deepEqual(mapped && { left: mapped.left, top: mapped.top, width: mapped.width, height: mapped.height, candidate: mapped.placement.candidate }, { left: 48, top: 22, width: 20, height: 8, candidate: 0 });
    assert.equal(stackBoxToFrame(stack, { x0: 0, y0: 0, x1: 5, y1: 5 }), undefined);
    const pgm = toPgm(stack.image);
    assert.equal(pgm.subarray(0, 2).toString('ascii'), 'P5');
    assert.equal(pgm.length, `P5\n${stack.image.width} ${stack.image.height}\n255\n`.length + stack.image.width * stack.image.height);
  });
});
