import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidBoundary, type MultipartPart, MultipartRelatedReader, type MultipartStep } from './multipart-related-reader.js';
import { multipartBody } from './multipart-related-writer.js';

const LIMITS = { maxParts: 10, maxPartBytes: 1000 };

/** Feeds `body` in pieces of `size` bytes and collects what the reader says. */
function read(body: Buffer, size: number, limits = LIMITS, boundary = 'b0und'): { parts: MultipartPart[]; refusal?: Extract<MultipartStep, { ok: false }> } {
  const reader = new MultipartRelatedReader(boundary, limits);
  const parts: MultipartPart[] = [];
  for (let at = 0; at < body.length; at += size) {
    const step = reader.push(body.subarray(at, at + size));
    if (!step.ok) return { parts, refusal: step };
    parts.push(...step.parts);
  }
  const end = reader.finish();
  return end.ok ? { parts } : { parts, refusal: end };
}

const text = (parts: MultipartPart[]) => parts.map((part) => part.body.toString('latin1'));

describe('MultipartRelatedReader', () => {
  const wellFormed: Array<[string, string, string[]]> = [
    ['delimiter at the very start, no trailing CRLF', '--b0und\r\nContent-Type: application/dicom\r\n\r\nAAA\r\n--b0und\r\n\r\nBB\r\n--b0und--', ['AAA', 'BB']],
    ['a preamble, transport padding and an epilogue', 'ignored preamble\r\n--b0und  \r\n\r\nX\r\n--b0und--\r\nepilogue --b0und\r\n', ['X']],
    ['dicomweb-client style: CRLF before the first delimiter', '\r\n--b0und\r\nContent-Type: application/dicom\r\n\r\nDICM\r\n--b0und--', ['DICM']],
    ['content holding CRLF, dashes and the boundary without its CRLF--', '--b0und\r\n\r\nline\r\n--b0un\r\nb0und--b0und\r\n\r\n--b0und--\r\n', ['line\r\n--b0un\r\nb0und--b0und\r\n']],
    ['an empty part', '--b0und\r\n\r\n\r\n--b0und--', ['']],
  ];
  for (const [name, body, expected] of wellFormed) {
    test(`reads ${name}, whatever the chunk size`, () => {
      for (const size of [1, 2, 3, 7, 64, 10_000]) {
        const { parts, refusal } = read(Buffer.from(body, 'latin1'), size);
        assert.equal(refusal, undefined, `size ${size}: ${refusal?.message}`);
        assert.deepEqual(text(parts), expected, `size ${size}`);
      }
    });
  }

  test('keeps part headers by lower-case name', () => {
    const { parts } = read(Buffer.from('--b0und\r\nContent-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\nContent-Location: x\r\n\r\nZ\r\n--b0und--', 'latin1'), 5);
    assert.equal(parts[0]!.headers.get('content-type'), 'application/dicom; transfer-syntax=1.2.840.10008.1.2.1');
    assert.equal(parts[0]!.headers.get('content-location'), 'x');
  });

  test('reads back what the response writer writes, binary content unchanged', () => {
    const contents = [Buffer.from([0, 13, 10, 45, 45, 255]), Buffer.alloc(3000, 7), Buffer.from('--b0und', 'latin1')];
    const body = Buffer.concat(multipartBody('b0und', contents.map((content) => ({ contentType: 'application/octet-stream', content: [content] }))));
    const { parts, refusal } = read(body, 100, { maxParts: 10, maxPartBytes: 5000 });
    assert.equal(refusal, undefined);
    assert.deepEqual(parts.map((part) => part.body), contents);
  });

  const refused: Array<[string, string, string, typeof LIMITS?]> = [
    ['no delimiter at all', 'just text', 'malformed'],
    ['no closing delimiter', '--b0und\r\n\r\nAAA', 'malformed'],
    ['a body cut inside the headers', '--b0und\r\nContent-Type: app', 'malformed'],
    ['a delimiter line with more than padding after the boundary', '--b0und\r\n\r\nA\r\n--b0undX\r\n\r\nB\r\n--b0und--', 'malformed'],
    ['a header line without a colon', '--b0und\r\nnot a header\r\n\r\nA\r\n--b0und--', 'malformed'],
    ['a folded header line', '--b0und\r\nContent-Type: a\r\n b\r\n\r\nA\r\n--b0und--', 'malformed'],
    ['more parts than allowed', '--b0und\r\n\r\nA\r\n--b0und\r\n\r\nB\r\n--b0und\r\n\r\nC\r\n--b0und--', 'too-many-parts', { maxParts: 2, maxPartBytes: 1000 }],
    ['a part larger than allowed', `--b0und\r\n\r\n${'x'.repeat(1001)}\r\n--b0und--`, 'part-too-large'],
    ['a part larger than allowed that never ends', `--b0und\r\n\r\n${'x'.repeat(5000)}`, 'part-too-large'],
  ];
  for (const [name, body, problem, limits] of refused) {
    test(`refuses ${name} (${problem}), whatever the chunk size`, () => {
      for (const size of [1, 4, 10_000]) {
        const { refusal } = read(Buffer.from(body, 'latin1'), size, limits ?? LIMITS);
        assert.equal(refusal?.problem, problem, `size ${size}`);
      }
    });
  }

  test('headers longer than the limit are refused without waiting for their end', () => {
    const reader = new MultipartRelatedReader('b0und', { ...LIMITS, maxHeaderBytes: 64 });
    const step = reader.push(Buffer.from(`--b0und\r\nX-Long: ${'y'.repeat(200)}`, 'latin1'));
    assert.equal(step.ok, false);
  });

  test('boundaries are checked against RFC 2046: 1 to 70 bchars, not ending in a space', () => {
    const cases: Array<[string, boolean]> = [
      ['b0und', true],
      ["'()+_,-./:=? x", true],
      ['a'.repeat(70), true],
      ['a'.repeat(71), false],
      ['', false],
      ['ends with space ', false],
      ['semi;colon', false],
      ['quote"', false],
    ];
    for (const [boundary, valid] of cases) assert.equal(isValidBoundary(boundary), valid, JSON.stringify(boundary));
    assert.throws(() => new MultipartRelatedReader('bad"', LIMITS), RangeError);
  });
});
