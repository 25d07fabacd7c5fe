import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLICIT_BIG } from '../dicom/dataset.js';
import { Tag } from '../dicom/tag.js';
import { MedVeilError } from '../errors.js';
import { readFrames } from './read-frames.js';
import { testGeometry, testImageFile } from './testing-image-file.js';

const u64s = (...values: number[]) => {
  const out = new Uint8Array(values.length * 8);
  values.forEach((v, i) => new DataView(out.buffer).setBigUint64(i * 8, BigInt(v), true));
  return out;
};
const bytes = (...values: number[]) => Uint8Array.from(values);

function encapsulatedFile(uid: string, numberOfFrames: number, fragments: Uint8Array[], offsetTable = new Uint8Array(0)) {
  const file = testImageFile(testGeometry(), numberOfFrames, { transferSyntaxUid: uid });
  file.dataset.set({ tag: Tag.PixelData, vr: 'OB', fragments: { offsetTable, fragments }, undefinedLength: true });
  return file;
}

describe('readFrames()', () => {
  it('reads frames through the Extended Offset Table of the data set', () => {
    const file = encapsulatedFile('1.2.840.10008.1.2.4.90', 2, [bytes(1, 2, 3, 0), bytes(4, 5), bytes(6, 7)]);
    // Frame 1 is the third fragment: the second is not a frame of its own here.
    file.dataset.set({ tag: Tag.ExtendedOffsetTable, vr: 'OV', value: u64s(0, 22) });
    file.dataset.set({ tag: Tag.ExtendedOffsetTableLengths, vr: 'OV', value: u64s(3, 2) });
    const { frames, warnings } = readFrames(file);
    assert.deepEqual(frames.map((f) => [...f]), [[1, 2, 3], [6, 7]]);
    assert.deepEqual(warnings, []);
  });

  it('finds JPEG frames by their end markers, but not RLE frames, which have none', () => {
    const fragments = [bytes(0xff, 0xd8), bytes(0xff, 0xd9), bytes(0xff, 0xd8, 0xff, 0xd9)];
    assert.deepEqual(readFrames(encapsulatedFile('1.2.840.10008.1.2.4.50', 2, fragments)).frames.map((f) => [...f]), [[0xff, 0xd8, 0xff, 0xd9], [0xff, 0xd8, 0xff, 0xd9]]);
    assert.throws(() => readFrames(encapsulatedFile('1.2.840.10008.1.2.5', 2, fragments)), (e: unknown) => e instanceof MedVeilError && /cannot be told apart/.test(e.message));
  });

  it('reports an offset table it did not use', () => {
    const { frames, warnings } = readFrames(encapsulatedFile('1.2.840.10008.1.2.5', 2, [bytes(1, 2), bytes(3, 4)], new Uint8Array(4)));
    assert.equal(frames.length, 2);
    assert.match(warnings[0]!, /holds 1 offsets for 2 frames/);
  });

  it('reads 8-bit samples held in OW of a big endian data set (whose words swap)', () => {
    const file = testImageFile(testGeometry({ rows: 2, columns: 2 }), 1, { encoding: EXPLICIT_BIG, transferSyntaxUid: '1.2.840.10008.1.2.2' });
    // OW words 0x0102 0x0304 are held big endian as 01 02 03 04 and mean the bytes 02 01 04 03.
    file.dataset.set({ tag: Tag.PixelData, vr: 'OW', value: bytes(1, 2, 3, 4) });
    assert.deepEqual([...readFrames(file).frames[0]!], [2, 1, 4, 3]);
  });

  it('refuses native Pixel Data shorter than its frames', () => {
    const file = testImageFile(testGeometry({ rows: 2, columns: 2 }), 3);
    file.dataset.set({ tag: Tag.PixelData, vr: 'OB', value: new Uint8Array(10) });
    assert.throws(() => readFrames(file), /holds 10 bytes, fewer than the 12 of 3 frame/);
  });
});
