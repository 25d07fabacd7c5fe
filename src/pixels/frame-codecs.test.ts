import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { nativeBigEndianCodec, nativeLittleEndianCodec } from './codec-native.js';
import { rleLosslessCodec } from './codec-rle.js';
import { FRAME_CODECS, frameCodecFor } from './frame-codecs.js';

describe('frameCodecFor()', () => {
  it('maps the native syntaxes and RLE Lossless to their codecs', () => {
    for (const uid of ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.1.98']) {
      assert.equal(frameCodecFor(uid), nativeLittleEndianCodec);
    }
    assert.equal(frameCodecFor('1.2.840.10008.1.2.2'), nativeBigEndianCodec);
    assert.equal(frameCodecFor('1.2.840.10008.1.2.5'), rleLosslessCodec);
  });

  it('refuses a syntax without a codec, naming it, and an unknown one', () => {
    assert.throws(() => frameCodecFor('1.2.840.10008.1.2.4.100'), (e: unknown) => e instanceof MedVeilError && e.code === 'pixels' && /MPEG2 Main Profile/.test(e.message));
    assert.throws(() => frameCodecFor('1.2.3.4'), (e: unknown) => e instanceof MedVeilError && /unknown transfer syntax 1\.2\.3\.4/.test(e.message));
  });

  it('lists no syntax under two codecs', () => {
    const uids = FRAME_CODECS.flatMap((codec) => codec.transferSyntaxUids);
    assert.equal(new Set(uids).size, uids.length);
  });
});
