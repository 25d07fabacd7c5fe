import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './dataset.js';
import { TRANSFER_SYNTAXES, encodingOf, lookupTransferSyntax } from './transfer-syntax.js';

describe('transfer syntax table', () => {
  it('every encapsulated syntax is explicit VR little endian, not deflated (PS3.5 A.4)', () => {
    const encapsulated = [...TRANSFER_SYNTAXES.values()].filter((ts) => ts.encapsulated);
    assert.ok(encapsulated.length >= 40);
    for (const ts of encapsulated) assert.deepEqual([ts.explicitVR, ts.littleEndian, ts.deflated], [true, true, false], ts.uid);
  });

  it('knows the native, deflated, JPEG, JPEG-LS, JPEG 2000, HTJ2K, RLE and MPEG syntaxes', () => {
    const expected: Record<string, [boolean, boolean, boolean, boolean]> = {
      '1.2.840.10008.1.2': [false, true, false, false],
      '1.2.840.10008.1.2.1': [true, true, false, false],
      '1.2.840.10008.1.2.1.99': [true, true, false, true],
      '1.2.840.10008.1.2.2': [true, false, false, false],
      '1.2.840.10008.1.2.4.50': [true, true, true, false],
      '1.2.840.10008.1.2.4.70': [true, true, true, false],
      '1.2.840.10008.1.2.4.80': [true, true, true, false],
      '1.2.840.10008.1.2.4.90': [true, true, true, false],
      '1.2.840.10008.1.2.4.201': [true, true, true, false],
      '1.2.840.10008.1.2.5': [true, true, true, false],
      '1.2.840.10008.1.2.4.102': [true, true, true, false],
    };
    for (const [uid, flags] of Object.entries(expected)) {
      const ts = lookupTransferSyntax(uid);
      assert.ok(ts, uid);
      assert.deepEqual([ts.explicitVR, ts.littleEndian, ts.encapsulated, ts.deflated], flags, uid);
    }
  });

  it('looks UIDs up with their NUL or space padding, and knows nothing of other UIDs', () => {
    assert.equal(lookupTransferSyntax('1.2.840.10008.1.2.1\0')?.name, 'Explicit VR Little Endian');
    assert.equal(lookupTransferSyntax('1.2.840.10008.1.2 ')?.name, 'Implicit VR Little Endian');
    assert.equal(lookupTransferSyntax('1.2.840.10008.1.2.1.1'), undefined);
  });

  it('maps syntaxes to the shared dataset encodings', () => {
    assert.equal(encodingOf(lookupTransferSyntax('1.2.840.10008.1.2')!), IMPLICIT_LITTLE);
    assert.equal(encodingOf(lookupTransferSyntax('1.2.840.10008.1.2.1.99')!), EXPLICIT_LITTLE);
    assert.equal(encodingOf(lookupTransferSyntax('1.2.840.10008.1.2.2')!), EXPLICIT_BIG);
  });
});
