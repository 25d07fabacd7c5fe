import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BurnedInText, type BurnedInTextFileOptions, burnedInTextGeometry, frameSamples, type PlantedBox, type PlantedText, renderBurnedInText } from '../../test/support/burned-in-text.js';
import { MedVeilError } from '../errors.js';
import type { DecodedFrame } from './frame-codec.js';
import { reducedGrey } from './text-candidates-grey.js';
import { evenInk, findTextCandidates, mergeCandidates, type TextCandidate } from './text-candidates.js';
import { testGeometry } from './testing-image-file.js';

const CORNER_TEXTS: PlantedText[] = [
  { text: 'DOE^JANE  ID 0012345', x: 12, y: 10, font: 'DejaVu Sans', size: 22 },
  { text: 'DOB 1961-04-17  F', x: 12, y: 44, font: 'Liberation Mono', size: 16, value: 0.85 },
  { text: 'ST. ELSEWHERE', x: 560, y: 12, font: 'Liberation Serif', size: 28 },
  { text: '2026-11-23 14:02', x: 620, y: 560, font: 'DejaVu Sans Mono', size: 14 },
  { text: 'ACC 77812', x: 20, y: 500, font: 'Liberation Sans', size: 64, value: 0.7 },
];

function frameOf(image: BurnedInText, options: Omit<BurnedInTextFileOptions, 'modality'> = {}): DecodedFrame {
  const geometry = burnedInTextGeometry(image, { modality: 'CR', ...options });
  return { geometry, samples: frameSamples(image, geometry) };
}

function covers(candidate: TextCandidate, box: PlantedBox): boolean {
  return candidate.left <= box.left && candidate.top <= box.top
    && candidate.left + candidate.width >= box.left + box.width && candidate.top + candidate.height >= box.top + box.height;
}

function assertEveryBoxCovered(candidates: readonly TextCandidate[], boxes: readonly PlantedBox[]): void {
  for (const [i, box] of boxes.entries()) {
    assert.ok(candidates.some((c) => covers(c, box)), `planted text ${i} (${JSON.stringify(box)}) is not inside one candidate: ${JSON.stringify(candidates)}`);
  }
}

describe('findTextCandidates()', () => {
  const layouts: Array<[string, Parameters<typeof renderBurnedInText>[0]['background'], 8 | 16, Omit<BurnedInTextFileOptions, 'modality'>]> = [
    ['8-bit MONOCHROME2 on a dark background', { kind: 'dark' }, 8, {}],
    ['16-bit (12 stored) MONOCHROME1 on a gradient', { kind: 'gradient', level: 0.4 }, 16, { photometricInterpretation: 'MONOCHROME1', bitsStored: 12 }],
    ['16-bit signed MONOCHROME2 over anatomy', { kind: 'anatomy-like', seed: 4, level: 0.3 }, 16, { signed: true }],
    ['8-bit planar RGB over anatomy', { kind: 'anatomy-like', seed: 5, level: 0.25 }, 8, { photometricInterpretation: 'RGB', planarConfiguration: 1 }],
  ];
  for (const [name, background, bits, options] of layouts) {
    it(`puts every line of planted text inside a candidate: ${name}`, () => {
      const image = renderBurnedInText({ width: 800, height: 600, bits, background, texts: CORNER_TEXTS });
      const { candidates } = findTextCandidates(frameOf(image, options));
      assertEveryBoxCovered(candidates, image.boxes);
      // Lines of text, not the whole image: each candidate is a small part of it.
      for (const candidate of candidates) assert.ok(candidate.width * candidate.height < (800 * 600) / 8, JSON.stringify(candidate));
    });
  }

  it('finds names in a 2048 x 2048 CR image on its reduced copy, small and large text alike', () => {
    const texts: PlantedText[] = [
      { text: 'MUSTERMANN^ERIKA', x: 40, y: 30, size: 36 },
      { text: 'PID 99-1234-5', x: 40, y: 80, font: 'Liberation Mono', size: 24 },
      { text: '23.11.2026', x: 1700, y: 2000, font: 'DejaVu Sans Mono', size: 14 },
      { text: 'PORTABLE', x: 1200, y: 1850, font: 'Liberation Sans', size: 110, value: 0.8 },
    ];
    const image = renderBurnedInText({ width: 2048, height: 2048, bits: 16, background: { kind: 'anatomy-like', seed: 9, level: 0.35 }, texts });
    const { candidates } = findTextCandidates(frameOf(image, { bitsStored: 12 }));
    assertEveryBoxCovered(candidates, image.boxes);
    assert.ok(candidates.length <= 8, `${candidates.length} candidates`);
  });

  it('finds nothing in anatomy-like images, gradients and flat images without text', () => {
    for (const seed of [1, 2, 3, 6]) {
      const image = renderBurnedInText({ width: 1024, height: 1024, bits: 16, background: { kind: 'anatomy-like', seed, level: 0.35 }, texts: [] });
      assert.deepEqual(findTextCandidates(frameOf(image, { bitsStored: 12 })).candidates, [], `seed ${seed}`);
    }
    const gradient = renderBurnedInText({ width: 640, height: 480, bits: 8, background: { kind: 'gradient', level: 0.5 }, texts: [] });
    assert.deepEqual(findTextCandidates(frameOf(gradient)).candidates, []);
    const flat = { geometry: testGeometry({ rows: 300, columns: 400 }), samples: new Uint8Array(300 * 400).fill(17) };
    assert.deepEqual(findTextCandidates(flat).candidates, []);
  });

  it('gives strongly stroked text a higher strength than tiny text', () => {
    const image = renderBurnedInText({
      width: 600, height: 200, bits: 8,
      texts: [{ text: 'PATIENT NAME 12345', x: 10, y: 10, size: 30 }, { text: 'tiny 12345 text', x: 10, y: 150, size: 8 }],
    });
    const { candidates } = findTextCandidates(frameOf(image));
    const big = candidates.find((c) => covers(c, image.boxes[0]!));
    const tiny = candidates.find((c) => covers(c, image.boxes[1]!));
    assert.ok(big !== undefined && tiny !== undefined, JSON.stringify(candidates));
    assert.ok(big.strength > tiny.strength, JSON.stringify(candidates));
  });

  it('refuses a frame it cannot read as brightness, with a pixels error', () => {
    const frame = { geometry: testGeometry({ rows: 8, columns: 8, bitsAllocated: 1, bitsStored: 1 }), samples: new Uint8Array(8) };
    assert.throws(() => findTextCandidates(frame), (error: unknown) => error instanceof MedVeilError && error.code === 'pixels');
  });
});

describe('reducedGrey()', () => {
  it('maps MONOCHROME1 inverted, so that text stored dark reads bright, and averages blocks', () => {
    const geometry = testGeometry({ rows: 4, columns: 4, bitsAllocated: 16, bitsStored: 12, photometricInterpretation: 'MONOCHROME1' });
    const samples = new Uint8Array(32);
    const view = new DataView(samples.buffer);
    for (let i = 0; i < 16; i++) view.setUint16(i * 2, i < 8 ? 4000 : 100, true);
    const { image, step } = reducedGrey({ geometry, samples }, 2);
    assert.equal(step, 2);
    assert.deepEqual([image.width, image.height], [2, 2]);
    assert.deepEqual([...image.data], [0, 0, 255, 255]);
  });
});

describe('mergeCandidates()', () => {
  const c = (left: number, top: number, width: number, height: number, lineHeight: number): TextCandidate => ({ left, top, width, height, lineHeight, strength: 0.5 });
  it('joins overlapping lines of similar height into their union', () => {
    assert.deepEqual(mergeCandidates([c(0, 0, 100, 20, 12), c(90, 5, 50, 20, 14)]), [{ left: 0, top: 0, width: 140, height: 25, lineHeight: 12, strength: 0.5 }]);
  });
  it('keeps overlapping lines of very different heights apart, unless one lies mostly inside the other', () => {
    assert.equal(mergeCandidates([c(0, 0, 400, 100, 70), c(380, 90, 100, 16, 10)]).length, 2);
    assert.deepEqual(mergeCandidates([c(0, 0, 400, 100, 70), c(50, 30, 40, 10, 6)]), [c(0, 0, 400, 100, 70)]);
  });
  it('joins words of one line up to two line heights apart, and nothing further or on other lines', () => {
    assert.deepEqual(mergeCandidates([c(0, 0, 10, 10, 6), c(22, 1, 10, 10, 6)]), [{ left: 0, top: 0, width: 32, height: 11, lineHeight: 6, strength: 0.5 }]);
    assert.equal(mergeCandidates([c(0, 0, 10, 10, 6), c(23, 0, 10, 10, 6)]).length, 2);
    assert.equal(mergeCandidates([c(0, 0, 10, 10, 6), c(0, 12, 10, 10, 6)]).length, 2);
  });
});

describe('evenInk()', () => {
  it('is high for strokes drawn in one value and low for strokes running through a range of values', () => {
    const width = 60;
    const height = 20;
    const even = new Uint8Array(width * height).map((_, i) => (i % 6 < 2 ? 250 : 30 + (i % 5)));
    const ramp = new Uint8Array(width * height).map((_, i) => (i % 6 < 2 ? 150 + ((i * 7) % 100) : 30 + (i % 5)));
    assert.ok(evenInk({ width, height, data: even }) > 0.9);
    assert.ok(evenInk({ width, height, data: ramp }) < 0.2);
    // Dark text on a light ground is measured at its darkest value.
    assert.ok(evenInk({ width, height, data: even.map((v) => 255 - v) }) > 0.9);
  });
});
