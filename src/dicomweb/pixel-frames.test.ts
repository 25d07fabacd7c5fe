import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset, EXPLICIT_BIG, EXPLICIT_LITTLE } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { encodeNumbers } from '../dicom/values.js';
import { pixelFrames } from './pixel-frames.js';

function image(options: { rows: number; columns: number; bits: number; frames?: number; bigEndian?: boolean }): Dataset {
  const dataset = new Dataset(options.bigEndian ? EXPLICIT_BIG : EXPLICIT_LITTLE);
  const little = !options.bigEndian;
  dataset.set({ tag: Tag.Rows, vr: 'US', value: encodeNumbers([options.rows], 'US', little) });
  dataset.set({ tag: Tag.Columns, vr: 'US', value: encodeNumbers([options.columns], 'US', little) });
  dataset.set({ tag: Tag.BitsAllocated, vr: 'US', value: encodeNumbers([options.bits], 'US', little) });
  if (options.frames !== undefined) dataset.setString(Tag.NumberOfFrames, String(options.frames), 'IS');
  return dataset;
}

test('native frames are consecutive slices of Pixel Data', () => {
  const dataset = image({ rows: 1, columns: 2, bits: 8, frames: 3 });
  dataset.set({ tag: Tag.PixelData, vr: 'OB', value: Uint8Array.from([1, 2, 3, 4, 5, 6]) });
  const result = pixelFrames(dataset);
  assert.ok(result.ok && result.frames.kind === 'native');
  assert.deepEqual([0, 1, 2].map((i) => [...(result.frames.frame(i) as Uint8Array)]), [[1, 2], [3, 4], [5, 6]]);
});

test('16-bit frames of a big endian data set are served little endian', () => {
  const dataset = image({ rows: 1, columns: 2, bits: 16, bigEndian: true });
  dataset.set({ tag: Tag.PixelData, vr: 'OW', value: Uint8Array.from([0x01, 0x02, 0x03, 0x04]) });
  const result = pixelFrames(dataset);
  assert.ok(result.ok && result.frames.kind === 'native');
  assert.deepEqual([...(result.frames.frame(0) as Uint8Array)], [0x02, 0x01, 0x04, 0x03]);
});

test('1-bit frames that do not start on a byte are repacked from bit 0', () => {
  // Two frames of 3 x 1 pixels: bits 0-2 and 3-5 of the first byte (PS3.5 8.1.1, lowest bit first).
  const dataset = image({ rows: 1, columns: 3, bits: 1, frames: 2 });
  dataset.set({ tag: Tag.PixelData, vr: 'OB', value: Uint8Array.from([0b00_101_110]) });
  const result = pixelFrames(dataset);
  assert.ok(result.ok && result.frames.kind === 'native');
  assert.deepEqual([...(result.frames.frame(0) as Uint8Array)], [0b110]);
  assert.deepEqual([...(result.frames.frame(1) as Uint8Array)], [0b101]);
});

test('encapsulated frames follow the Basic Offset Table, one fragment per frame, or the codestream starts', () => {
  const soi = (n: number) => Uint8Array.from([0xff, 0xd8, n]);
  const more = (n: number) => Uint8Array.from([n, n]);
  const cases: Array<[string, Uint8Array, Uint8Array[], number[][]]> = [
    // Offsets from the first fragment's item tag: 0, then past item 1 (8 + 3) and item 2 (8 + 2).
    ['offset table', Uint8Array.from([0, 0, 0, 0, 21, 0, 0, 0]), [soi(1), more(1), soi(2)], [[0xff, 0xd8, 1, 1, 1], [0xff, 0xd8, 2]]],
    ['one fragment per frame', new Uint8Array(0), [soi(1), soi(2)], [[0xff, 0xd8, 1], [0xff, 0xd8, 2]]],
    ['codestream starts', new Uint8Array(0), [soi(1), more(1), more(1), soi(2)], [[0xff, 0xd8, 1, 1, 1, 1, 1], [0xff, 0xd8, 2]]],
  ];
  for (const [name, offsetTable, fragments, expected] of cases) {
    const dataset = image({ rows: 1, columns: 1, bits: 8, frames: 2 });
    dataset.set({ tag: Tag.PixelData, vr: 'OB', fragments: { offsetTable, fragments } });
    const result = pixelFrames(dataset);
    assert.ok(result.ok && result.frames.kind === 'encapsulated', name);
    assert.deepEqual([0, 1].map((i) => [...Buffer.concat(result.frames.frame(i) as Uint8Array[])]), expected, name);
  }
});

test('Pixel Data shorter than its frames, or fragments that fit no frame, are reported, not guessed', () => {
  const short = image({ rows: 2, columns: 2, bits: 8, frames: 2 });
  short.set({ tag: Tag.PixelData, vr: 'OB', value: new Uint8Array(7) });
  assert.equal(pixelFrames(short).ok, false);
  const unassigned = image({ rows: 1, columns: 1, bits: 8, frames: 2 });
  unassigned.set({ tag: Tag.PixelData, vr: 'OB', fragments: { offsetTable: new Uint8Array(0), fragments: [Uint8Array.from([1]), Uint8Array.from([2]), Uint8Array.from([3])] } });
  assert.equal(pixelFrames(unassigned).ok, false);
  assert.equal(pixelFrames(image({ rows: 1, columns: 1, bits: 8 })).ok, false);
});
