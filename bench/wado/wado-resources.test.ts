import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endsWithin } from './wado-resources.js';

const tail = Buffer.from('the last bytes of the pixel data');
const closing = Buffer.from('\r\n--boundary--\r\n');
const body = Buffer.concat([Buffer.alloc(5000, 7), tail, closing]);

function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

const cases = [
  { name: 'the tail before the closing delimiter, in one chunk', chunks: [body], expected: true },
  { name: 'the tail split across chunks of 7 bytes', chunks: chunked(body, 7), expected: true },
  { name: 'the tail at the very end (no delimiter)', chunks: [Buffer.concat([Buffer.alloc(100), tail])], expected: true },
  { name: 'another object', chunks: [Buffer.concat([Buffer.alloc(5000, 7), Buffer.from('other bytes of other pixel data!'), closing])], expected: false },
  { name: 'the tail far from the end (a longer answer holding it in the middle)', chunks: [Buffer.concat([tail, Buffer.alloc(5000)])], expected: false },
  { name: 'an empty answer', chunks: [], expected: false },
];

for (const c of cases) {
  test(`endsWithin(): ${c.name}`, () => {
    const length = c.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    assert.equal(endsWithin(c.chunks, length, tail), c.expected);
  });
}
