import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAccept } from './media-type.js';
import { acceptsParts, chooseFrameMediaType, chooseInstanceSyntax } from './representation-choice.js';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const BIG = '1.2.840.10008.1.2.2';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const RLE = '1.2.840.10008.1.2.5';

test('chooseInstanceSyntax(): * and the stored syntax serve as stored; no parameter asks for Explicit VR Little Endian, unless the object is held compressed', () => {
  const cases: Array<[string | undefined, string, string | null]> = [
    ['multipart/related; type="application/dicom"; transfer-syntax=*', IMPLICIT, IMPLICIT],
    ['multipart/related; type="application/dicom"', IMPLICIT, EXPLICIT],
    [undefined, BIG, EXPLICIT],
    ['multipart/related; type="application/dicom"', JPEG_BASELINE, JPEG_BASELINE],
    [`multipart/related; type="application/dicom"; transfer-syntax=${JPEG_BASELINE}`, JPEG_BASELINE, JPEG_BASELINE],
    [`multipart/related; type="application/dicom"; transfer-syntax=${BIG}`, EXPLICIT, BIG],
    [`multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT}`, JPEG_BASELINE, null],
    [`multipart/related; type="application/dicom"; transfer-syntax=${JPEG_BASELINE}`, EXPLICIT, null],
    ['multipart/related; type="application/octet-stream"', EXPLICIT, null],
    ['application/dicom+json', EXPLICIT, null],
    [`multipart/related; type="application/dicom"; transfer-syntax=${RLE}; q=0.9, multipart/related; type="application/dicom"; transfer-syntax=*; q=0.1`, RLE, RLE],
  ];
  for (const [accept, stored, expected] of cases) {
    const choice = chooseInstanceSyntax(parseAccept(accept)!, stored);
    assert.equal(choice.ok ? choice.value : null, expected, `${accept} for ${stored}`);
  }
});

test('chooseFrameMediaType(): uncompressed frames are octet-stream in Explicit VR Little Endian; compressed ones keep their own type', () => {
  const cases: Array<[string | undefined, string, string | null]> = [
    ['multipart/related; type="application/octet-stream"', IMPLICIT, `application/octet-stream ${EXPLICIT}`],
    [undefined, BIG, `application/octet-stream ${EXPLICIT}`],
    ['multipart/related; type="image/jpeg"', IMPLICIT, null],
    ['multipart/related; type="application/octet-stream"', JPEG_BASELINE, null],
    ['multipart/related; type="application/octet-stream"; transfer-syntax=*', JPEG_BASELINE, `image/jpeg ${JPEG_BASELINE}`],
    [`multipart/related; type="image/jpeg"; transfer-syntax=${JPEG_BASELINE}`, JPEG_BASELINE, `image/jpeg ${JPEG_BASELINE}`],
    ['multipart/related; type="image/*"', JPEG_BASELINE, `image/jpeg ${JPEG_BASELINE}`],
    ['multipart/related; type="image/x-dicom-rle"', RLE, `image/dicom-rle ${RLE}`],
    ['multipart/related; type="image/jp2"', JPEG_BASELINE, null],
  ];
  for (const [accept, stored, expected] of cases) {
    const choice = chooseFrameMediaType(parseAccept(accept)!, stored);
    assert.equal(choice.ok ? `${choice.value.mediaType} ${choice.value.transferSyntaxUid}` : null, expected, `${accept} for ${stored}`);
  }
});

test('acceptsParts() looks at the part type only', () => {
  assert.equal(acceptsParts(parseAccept('multipart/related; type="application/dicom"; transfer-syntax=1.2.3')!, 'application/dicom'), true);
  assert.equal(acceptsParts(parseAccept('*/*')!, 'application/dicom'), true);
  assert.equal(acceptsParts(parseAccept('application/dicom+json')!, 'application/dicom'), false);
  assert.equal(acceptsParts(parseAccept('multipart/related; type="application/dicom"; q=0')!, 'application/dicom'), false);
});
