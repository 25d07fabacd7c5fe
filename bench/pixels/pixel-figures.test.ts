import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { figure, markdownTable, pngSize, steadyRate, summarizeLatencies } from './pixel-figures.js';

function png(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, deflateSync(Buffer.alloc(4))]);
}

test('pngSize() reads width and height from IHDR and refuses what is not a PNG', () => {
  assert.deepEqual(pngSize(png(2048, 1536)), { width: 2048, height: 1536 });
  assert.equal(pngSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(30).fill(0)])), undefined, 'a JPEG');
  assert.equal(pngSize(png(2048, 2048).subarray(0, 20)), undefined, 'cut short');
  const wrongChunk = Buffer.from(png(10, 10));
  wrongChunk.write('IDAT', 12, 'latin1');
  assert.equal(pngSize(wrongChunk), undefined, 'a first chunk that is not IHDR');
});

test('summarizeLatencies() gives nearest-rank p50 and p95 whatever the order', () => {
  const latencies = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(summarizeLatencies(latencies), { requests: 100, p50: 50, p95: 95, max: 100 });
  assert.deepEqual(summarizeLatencies([7]), { requests: 1, p50: 7, p95: 7, max: 7 });
});

test('steadyRate() removes what both runs pay once; no rate without a larger run', () => {
  assert.equal(steadyRate({ images: 8, seconds: 4 }, { images: 48, seconds: 6 }), 20);
  assert.ok(Number.isNaN(steadyRate({ images: 8, seconds: 4 }, { images: 8, seconds: 5 })));
  assert.ok(Number.isNaN(steadyRate({ images: 8, seconds: 4 }, { images: 48, seconds: 3 })));
});

test('markdownTable() and figure() write rows as given and a dash for what was not measured', () => {
  assert.equal(markdownTable(['a', 'b'], [['1', figure(2.345)], ['x', figure(NaN)]]), '| a | b |\n| --- | --- |\n| 1 | 2.3 |\n| x | — |');
});
