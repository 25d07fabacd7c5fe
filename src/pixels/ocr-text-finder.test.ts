import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type BurnedInText, type BurnedInTextFileOptions, burnedInTextFile, burnedInTextGeometry, frameSamples, type PlantedText, renderBurnedInText, unfilledPixels,
} from '../../test/support/burned-in-text.js';
import { pydicomData } from '../../test/support/pydicom-files.js';
import type { DicomFile } from '../dicom/dicom-file.js';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { cleanPixels } from './clean-pixels.js';
import type { DecodedFrame } from './frame-codec.js';
import { frameCodecFor } from './frame-codecs.js';
import { createOcrTextFinder, type OcrTextFinder } from './ocr-text-finder.js';
import { readFrames } from './read-frames.js';

const NAMES: PlantedText[] = [
  { text: 'DOE^JANE  ID 0012345', x: 14, y: 10, font: 'DejaVu Sans', size: 24 },
  { text: 'DOB 1961-04-17  F', x: 14, y: 46, font: 'Liberation Mono', size: 18, value: 0.85 },
  { text: 'ST. ELSEWHERE', x: 560, y: 12, font: 'Liberation Serif', size: 30 },
  { text: '2026-11-23 14:02', x: 600, y: 560, font: 'DejaVu Sans Mono', size: 16 },
  { text: 'ACC 77812', x: 20, y: 500, font: 'Liberation Sans', size: 60, value: 0.75 },
];

async function decodedFrames(file: DicomFile): Promise<DecodedFrame[]> {
  const read = readFrames(file);
  const codec = frameCodecFor(read.transferSyntaxUid);
  return Promise.all(read.frames.map((frame) => codec.decode(frame, read.geometry)));
}

/** How many planted boxes of `image` still hold a pixel that is not the fill, in `frame`. */
function uncoveredBoxes(frame: DecodedFrame, image: BurnedInText): number[] {
  return image.boxes.flatMap((box, index) => (unfilledPixels(frame, box) === 0 ? [] : [index]));
}

describe('createOcrTextFinder() with cleanPixels()', () => {
  let finder: OcrTextFinder;
  before(async () => {
    finder = await createOcrTextFinder();
  });
  after(async () => {
    await finder.close();
  });

  const cases: Array<[string, 8 | 16, Parameters<typeof renderBurnedInText>[0]['background'], BurnedInTextFileOptions]> = [
    ['8-bit MONOCHROME2 CR in Explicit VR Little Endian', 8, { kind: 'dark', level: 0.05 }, { modality: 'CR' }],
    ['16-bit (12 stored) MONOCHROME1 DX in RLE', 16, { kind: 'anatomy-like', seed: 11, level: 0.3 }, { modality: 'DX', photometricInterpretation: 'MONOCHROME1', bitsStored: 12, transferSyntaxUid: '1.2.840.10008.1.2.5' }],
    ['16-bit signed MONOCHROME2 CR in JPEG-LS lossless', 16, { kind: 'gradient', level: 0.3 }, { modality: 'CR', signed: true, transferSyntaxUid: '1.2.840.10008.1.2.4.80' }],
    ['8-bit RGB ultrasound-like image', 8, { kind: 'anatomy-like', seed: 12, level: 0.2 }, { modality: 'US', photometricInterpretation: 'RGB' }],
  ];
  for (const [name, bits, background, options] of cases) {
    it(`fills every pixel of every planted name, ID and date: ${name}`, async () => {
      const image = renderBurnedInText({ width: 800, height: 600, bits, background, texts: NAMES });
      const file = await burnedInTextFile(image, options);
      const report = await cleanPixels(file, { rules: [], findTextRegions: finder.findTextRegions });
      assert.ok(report.regionsPerFrame[0]! >= 1);
      const [frame] = await decodedFrames(file);
      assert.deepEqual(uncoveredBoxes(frame!, image), []);
      // The text, not the image: most pixels keep their values.
      const filled = unfilledPixels(frame!, { left: 0, top: 0, width: 800, height: 600 });
      assert.ok(filled > 800 * 600 * 0.8, `${800 * 600 - filled} pixels filled`);
    });
  }

  it('fills names in a 2048 x 2048 CR image, and only on the one frame of a multi-frame image that holds them', async () => {
    const texts: PlantedText[] = [{ text: 'MUSTERMANN^ERIKA', x: 40, y: 30, size: 36 }, { text: '23.11.2026 08:15', x: 1700, y: 1990, font: 'DejaVu Sans Mono', size: 18 }];
    const image = renderBurnedInText({ width: 2048, height: 2048, bits: 16, background: { kind: 'anatomy-like', seed: 13, level: 0.35 }, texts });
    const cr = await burnedInTextFile(image, { modality: 'CR', bitsStored: 12 });
    await cleanPixels(cr, { rules: [], findTextRegions: finder.findTextRegions });
    assert.deepEqual(uncoveredBoxes((await decodedFrames(cr))[0]!, image), []);

    const plain = renderBurnedInText({ width: 640, height: 480, bits: 8, background: { kind: 'anatomy-like', seed: 14, level: 0.25 }, texts: [] });
    const named = renderBurnedInText({ width: 640, height: 480, bits: 8, background: { kind: 'anatomy-like', seed: 14, level: 0.25 }, texts: [{ text: 'LI^WEI 4471', x: 400, y: 440, size: 20 }] });
    const cine = await burnedInTextFile([plain, plain, named], { modality: 'US' });
    const report = await cleanPixels(cine, { rules: [], findTextRegions: finder.findTextRegions });
    assert.equal(report.regionsPerFrame[0], 0);
    assert.equal(report.regionsPerFrame[1], 0);
    assert.ok(report.regionsPerFrame[2]! >= 1);
    assert.deepEqual(uncoveredBoxes((await decodedFrames(cine))[2]!, named), []);
  });

  it('finds no regions in images without text', async () => {
    for (const seed of [21, 22]) {
      const image = renderBurnedInText({ width: 1024, height: 1024, bits: 16, background: { kind: 'anatomy-like', seed, level: 0.35 }, texts: [] });
      const report = await cleanPixels(await burnedInTextFile(image, { modality: 'CR', bitsStored: 12 }), { rules: [], findTextRegions: finder.findTextRegions });
      assert.deepEqual(report.regionsPerFrame, [0], `seed ${seed}`);
    }
  });

  // Regression: OCR read the bone edges of these as words (`ww`, `rFeN`) whose every character
  // it gave 87-98, and the word 13-27; per-character confidence filled 72 % of CT_small.
  it('leaves the bone and tissue edges of real CT and MR images, which OCR reads only as garbage', async () => {
    const { root } = pydicomData();
    for (const name of ['CT_small.dcm', 'MR_small.dcm']) {
      const file = readDicomFile(readFileSync(join(root, 'test_files', name)));
      const report = await cleanPixels(file, { rules: [], findTextRegions: finder.findTextRegions });
      assert.deepEqual(report.regionsPerFrame, [0], name);
    }
  });

  it('answers a frame it has seen from its cache, with the same regions', async () => {
    const image = renderBurnedInText({ width: 640, height: 480, bits: 8, texts: [{ text: 'CACHED NAME 123', x: 10, y: 10, size: 20 }] });
    const geometry = burnedInTextGeometry(image, { modality: 'CR' });
    const frame = { geometry, samples: frameSamples(image, geometry) };
    const first = await finder.findTextRegions(frame, 0);
    const before = finder.stats();
    const again = await finder.findTextRegions({ geometry, samples: new Uint8Array(frame.samples) }, 3);
    const after = finder.stats();
    assert.deepEqual(again, first);
    assert.equal(after.cacheHits, before.cacheHits + 1);
    assert.equal(after.framesRead, before.framesRead);
    // Another frame is read.
    await finder.findTextRegions({ geometry, samples: frame.samples.map((v, i) => (i === 0 ? v ^ 1 : v)) }, 0);
    assert.equal(finder.stats().framesRead, after.framesRead + 1);
  });

  it('reports counts only, never text', () => {
    for (const [key, value] of Object.entries(finder.stats())) assert.equal(typeof value, 'number', key);
  });
});

describe('createOcrTextFinder() deciding by OCR', () => {
  it('fills candidates it reads, leaves those it cannot, and fills a Chinese name when chi_sim is on', async () => {
    const finder = await createOcrTextFinder({ languages: ['eng', 'chi_sim'], unreadStrength: 2 });
    try {
      const image = renderBurnedInText({
        width: 800, height: 600, bits: 8, background: { kind: 'anatomy-like', seed: 31, level: 0.25 },
        texts: [
          { text: '患者 张伟', x: 20, y: 20, font: 'WenQuanYi Micro Hei', size: 30 },
          { text: 'SMITH^ANNA 5512', x: 420, y: 540, font: 'Liberation Sans', size: 22 },
          { text: 'tiny 12345 text', x: 300, y: 300, size: 10 },
        ],
      });
      const file = await burnedInTextFile(image, { modality: 'US' });
      await cleanPixels(file, { rules: [], findTextRegions: finder.findTextRegions });
      assert.deepEqual(uncoveredBoxes((await decodedFrames(file))[0]!, image), []);
      const stats = finder.stats();
      assert.equal(stats.candidatesFilledUnread, 0);
      assert.ok(stats.candidatesRead >= 3, JSON.stringify(stats));
    } finally {
      await finder.close();
    }
  });

  it('leaves a stroke-like pattern OCR reads nothing in', async () => {
    const finder = await createOcrTextFinder({ unreadStrength: 2 });
    try {
      // A row of short bars, like a ruler's ticks or a grid: strokes, but no letters.
      const geometry = burnedInTextGeometry({ rows: 200, columns: 400, bitsAllocated: 8 }, { modality: 'CR' });
      const samples = new Uint8Array(200 * 400).fill(20);
      for (let row = 90; row < 110; row++) for (let column = 40; column < 360; column++) if (column % 6 < 2) samples[row * 400 + column] = 230;
      const regions = await finder.findTextRegions({ geometry, samples }, 0);
      const stats = finder.stats();
      assert.ok(stats.candidates >= 1, JSON.stringify(stats));
      assert.equal(stats.candidatesLeft, stats.candidates, JSON.stringify(stats));
      assert.deepEqual(regions, []);
    } finally {
      await finder.close();
    }
  });
});

describe('createOcrTextFinder() lifecycle', () => {
  it('refuses languages it has no data for and a worker count below 1', async () => {
    await assert.rejects(createOcrTextFinder({ languages: ['deu' as 'eng'] }), (error: unknown) => error instanceof MedVeilError && /deu/.test(error.message));
    await assert.rejects(createOcrTextFinder({ workers: 0 }), (error: unknown) => error instanceof MedVeilError && /workers/.test(error.message));
  });

  it('refuses frames after close()', async () => {
    const finder = await createOcrTextFinder({ workers: 1 });
    await finder.close();
    await finder.close();
    const geometry = burnedInTextGeometry({ rows: 10, columns: 10, bitsAllocated: 8 }, { modality: 'CR' });
    await assert.rejects(finder.findTextRegions({ geometry, samples: new Uint8Array(100) }, 0), MedVeilError);
  });

  it('close() ends the workers, so that a process that used the finder exits by itself', () => {
    const script = `
      const { createOcrTextFinder } = await import(${JSON.stringify(new URL('./ocr-text-finder.js', import.meta.url).href)});
      const finder = await createOcrTextFinder({ workers: 2 });
      const samples = new Uint8Array(64 * 256).fill(10);
      for (let i = 0; i < samples.length; i += 3) samples[i] = 240;
      await finder.findTextRegions({ geometry: { rows: 64, columns: 256, samplesPerPixel: 1, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, photometricInterpretation: 'MONOCHROME2', planarConfiguration: 0 }, samples }, 0);
      await finder.close();
      console.log('closed');
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 60_000, encoding: 'utf8' });
    assert.equal(run.error, undefined, 'the process did not exit within a minute of close()');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'closed');
  });
});
