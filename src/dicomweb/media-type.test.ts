import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parameterValue, parseAccept, parseMediaType } from './media-type.js';

test('parseMediaType() reads type, subtype and parameters, quoted or not, names in lower case and values as given', () => {
  const parsed = parseMediaType('Multipart/Related; TYPE="application/dicom"; boundary=AbC-1');
  assert.equal(parsed?.type, 'multipart');
  assert.equal(parsed?.subtype, 'related');
  assert.equal(parsed?.parameters.get('type'), 'application/dicom');
  assert.equal(parsed?.parameters.get('boundary'), 'AbC-1');
  assert.equal(parseMediaType('multipart/related; boundary="a \\"q\\" b"')?.parameters.get('boundary'), 'a "q" b');
});

test('parseMediaType() refuses what is not one media type', () => {
  for (const text of [undefined, '', 'application', 'a/b/c', 'a/b, c/d', 'a/b; x', 'a/b; x="open', 'a/b; x=two words', 'a b/c', 'x'.repeat(5000) + '/y']) {
    assert.equal(parseMediaType(text), undefined, String(text).slice(0, 40));
  }
});

test('parseAccept() gives every range with its weight; no header accepts everything; a malformed one is undefined', () => {
  const ranges = parseAccept('multipart/related; type="application/dicom"; transfer-syntax=*; q=0.5, application/dicom+json, */*;q=0');
  assert.deepEqual(ranges?.map((r) => [`${r.type}/${r.subtype}`, r.quality, r.parameters.get('transfer-syntax') ?? null, r.parameters.has('q')]), [
    ['multipart/related', 0.5, '*', false],
    ['application/dicom+json', 1, null, false],
    ['*/*', 0, null, false],
  ]);
  assert.deepEqual(parseAccept(undefined)?.map((r) => `${r.type}/${r.subtype}`), ['*/*']);
  for (const bad of ['a/b;q=2', 'a/b;q=0.1234', 'a/b;q=x', 'nonsense']) assert.equal(parseAccept(bad), undefined, bad);
});

test('parameterValue() quotes exactly the values that are not tokens', () => {
  assert.equal(parameterValue('1.2.840.10008.1.2.1'), '1.2.840.10008.1.2.1');
  assert.equal(parameterValue('application/dicom'), '"application/dicom"');
  assert.equal(parameterValue('a"b'), '"a\\"b"');
});
