import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { SYSTEM_PYTHON } from '../../test/support/pydicom-files.js';
import { encodeGreyPng } from './png-encoder.js';

/** The chunks of a PNG file: [type, data], each CRC checked with zlib's own CRC-32. */
function chunks(png: Buffer): Array<[string, Buffer]> {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Array<[string, Buffer]> = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), zlibCrc32(png.subarray(at + 4, at + 8 + length)), `CRC of ${type}`);
    out.push([type, data]);
    at += 12 + length;
  }
  return out;
}

test('encodeGreyPng() writes IHDR (8-bit greyscale), IDAT scanlines with filter 0 holding the samples, IEND', () => {
  const samples = Uint8Array.from([0, 64, 128, 255, 1, 2]);
  const found = chunks(encodeGreyPng({ width: 3, height: 2, samples }));
  assert.deepEqual(found.map(([type]) => type), ['IHDR', 'IDAT', 'IEND']);
  const header = found[0]![1];
  assert.deepEqual([header.readUInt32BE(0), header.readUInt32BE(4), ...header.subarray(8)], [3, 2, 8, 0, 0, 0, 0]);
  assert.deepEqual([...inflateSync(found[1]![1])], [0, 0, 64, 128, 0, 255, 1, 2]);
});

test('a row like the one above is written with filter 2 (Up) as zeros, and Pillow reads the image back exactly', () => {
  const samples = Uint8Array.from([5, 6, 7, 5, 6, 7, 9, 9, 9, 9, 9, 9]);
  const png = encodeGreyPng({ width: 3, height: 4, samples });
  assert.deepEqual([...inflateSync(chunks(png)[1]![1])], [0, 5, 6, 7, 2, 0, 0, 0, 0, 9, 9, 9, 2, 0, 0, 0]);
  const read = spawnSync(SYSTEM_PYTHON, ['-c', 'import sys, PIL.Image as I; sys.stdout.write(" ".join(map(str, I.open(sys.stdin.buffer).getdata())))'], { input: png });
  assert.equal(read.status, 0, read.stderr.toString());
  assert.equal(read.stdout.toString(), [...samples].join(' '));
});

test('encodeGreyPng() refuses sizes PNG cannot hold and sample counts that do not fit', () => {
  assert.throws(() => encodeGreyPng({ width: 0, height: 1, samples: new Uint8Array(0) }), RangeError);
  assert.throws(() => encodeGreyPng({ width: 2, height: 2, samples: new Uint8Array(3) }), RangeError);
});
