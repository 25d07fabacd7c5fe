import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { syntheticGeometry } from '../../test/support/synthetic-frames.js';
import { checkStreamHeader, interleaved, maskToBitsStored, signExtendInPlace } from './codec-frame-checks.js';

describe('codec frame checks', () => {
  it('checkStreamHeader() refuses a frame over 1 GiB even when its header and the data set agree', () => {
    const geometry = syntheticGeometry({ rows: 30000, columns: 30000, bitsAllocated: 16, bitsStored: 16 });
    const info = { width: 30000, height: 30000, bitsPerSample: 16, componentCount: 1, isSigned: false };
    assert.throws(() => checkStreamHeader('test', info, geometry), (error: unknown) => error instanceof MedVeilError && error.code === 'pixels' && /larger than/.test(error.message));
    assert.doesNotThrow(() => checkStreamHeader('test', { ...info, width: 2048, height: 2048 }, { ...geometry, rows: 2048, columns: 2048 }));
  });

  it('signExtendInPlace() and maskToBitsStored() convert 12-bit two\'s complement between native and sign-less form', () => {
    const geometry = syntheticGeometry({ bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 });
    const native = new Uint8Array([0x00, 0xf8, 0xff, 0x07, 0xff, 0xff]); // -2048, 2047, -1
    const masked = maskToBitsStored(native, geometry);
    assert.deepEqual(masked, new Uint8Array([0x00, 0x08, 0xff, 0x07, 0xff, 0x0f]));
    signExtendInPlace(masked, geometry);
    assert.deepEqual(masked, native);
  });

  it('interleaved() turns planar colour (RRR GGG BBB) into R G B per pixel, for 8- and 16-bit samples', () => {
    const eight = syntheticGeometry({ rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: 'RGB', planarConfiguration: 1 });
    assert.deepEqual(interleaved({ geometry: eight, samples: new Uint8Array([1, 2, 3, 4, 5, 6]) }, 1), new Uint8Array([1, 3, 5, 2, 4, 6]));
    const sixteen = { ...eight, bitsAllocated: 16, bitsStored: 16, columns: 1 };
    assert.deepEqual(interleaved({ geometry: sixteen, samples: new Uint8Array([1, 2, 3, 4, 5, 6]) }, 2), new Uint8Array([1, 2, 3, 4, 5, 6]));
  });
});
