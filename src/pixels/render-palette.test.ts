import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tag } from '../dicom/tag.js';
import { renderFileFrame } from './render-frame.js';
import { paletteOf, renderPalette } from './render-palette.js';
import { testGeometry, testImageFile } from './testing-image-file.js';
import { writeFrames } from './write-frames.js';

function us(values: number[]): Uint8Array {
  const out = Buffer.alloc(values.length * 2);
  values.forEach((value, i) => out.writeUInt16LE(value, i * 2));
  return out;
}

/** A 1 x 4 PALETTE COLOR file whose tables map 10, 11, 12 to red, green, blue (16-bit entries). */
function paletteFile(options: { bits: 8 | 16 } = { bits: 16 }) {
  const geometry = testGeometry({ rows: 1, columns: 4, photometricInterpretation: 'PALETTE COLOR' });
  const file = testImageFile(geometry, 1);
  const entries = (values: number[]) => options.bits === 16 ? us(values.map((v) => v * 257)) : Uint8Array.from(values);
  const tables: Array<[number, number, number[]]> = [
    [Tag.RedPaletteColorLookupTableDescriptor, Tag.RedPaletteColorLookupTableData, [255, 0, 0]],
    [Tag.GreenPaletteColorLookupTableDescriptor, Tag.GreenPaletteColorLookupTableData, [0, 255, 0]],
    [Tag.BluePaletteColorLookupTableDescriptor, Tag.BluePaletteColorLookupTableData, [0, 0, 255]],
  ];
  for (const [descriptor, data, values] of tables) {
    file.dataset.set({ tag: descriptor, vr: 'US', value: us([3, 10, options.bits]) });
    file.dataset.set({ tag: data, vr: 'OW', value: entries(values) });
  }
  writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry, frames: [Uint8Array.from([10, 11, 12, 200])] });
  return file;
}

test('paletteOf() reads 16-bit and 8-bit entries and the first value mapped (PS3.3 C.7.6.3.1.5)', () => {
  for (const bits of [16, 8] as const) {
    const palette = paletteOf(paletteFile({ bits }).dataset)!;
    assert.equal(palette.firstMapped, 10);
    assert.deepEqual([[...palette.red], [...palette.green], [...palette.blue]], [[255, 0, 0], [0, 255, 0], [0, 0, 255]], `${bits} bits`);
  }
});

test('renderPalette() maps each stored value through the tables, values past the ends to the first and last entry', () => {
  const file = paletteFile();
  const frame = { geometry: testGeometry({ rows: 1, columns: 4, photometricInterpretation: 'PALETTE COLOR' }), samples: Uint8Array.from([10, 11, 12, 200]) };
  assert.deepEqual([...renderPalette(frame, paletteOf(file.dataset)!).samples], [255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255]);
  const below = { ...frame, samples: Uint8Array.from([0, 0, 0, 0]) };
  assert.deepEqual([...renderPalette(below, paletteOf(file.dataset)!).samples.subarray(0, 3)], [255, 0, 0]);
});

test('a PALETTE COLOR file renders as a colour PNG; one without its tables is refused by name', async () => {
  const png = await renderFileFrame(paletteFile(), { frameNumber: 1, mediaType: 'image/png' });
  assert.equal(png[25], 2, 'colour type 2: truecolour');
  const bare = paletteFile();
  bare.dataset.delete(Tag.GreenPaletteColorLookupTableDescriptor);
  await assert.rejects(renderFileFrame(bare, { frameNumber: 1, mediaType: 'image/png' }), /PALETTE COLOR image without its lookup tables/);
  const segmented = paletteFile();
  segmented.dataset.delete(Tag.BluePaletteColorLookupTableData);
  await assert.rejects(renderFileFrame(segmented, { frameNumber: 1, mediaType: 'image/png' }), /segmented palettes are not rendered/);
});
