import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htj2kCodec } from './codec-htj2k.js';
import { jpeg2000Codec } from './codec-jpeg-2000.js';
import { jpegBaselineCodec } from './codec-jpeg-baseline.js';
import { jpegLosslessCodec } from './codec-jpeg-lossless.js';
import { jpegLsCodec } from './codec-jpeg-ls.js';
import { frameCodecFor } from './frame-codecs.js';

describe('frameCodecFor() and the compressed syntaxes', () => {
  it('maps each JPEG, JPEG-LS, JPEG 2000 and HTJ2K syntax to its codec', () => {
    const expected = [
      ['1.2.840.10008.1.2.4.50', jpegBaselineCodec], ['1.2.840.10008.1.2.4.51', jpegBaselineCodec],
      ['1.2.840.10008.1.2.4.57', jpegLosslessCodec], ['1.2.840.10008.1.2.4.70', jpegLosslessCodec],
      ['1.2.840.10008.1.2.4.80', jpegLsCodec], ['1.2.840.10008.1.2.4.81', jpegLsCodec],
      ['1.2.840.10008.1.2.4.90', jpeg2000Codec], ['1.2.840.10008.1.2.4.91', jpeg2000Codec],
      ['1.2.840.10008.1.2.4.201', htj2kCodec], ['1.2.840.10008.1.2.4.202', htj2kCodec], ['1.2.840.10008.1.2.4.203', htj2kCodec],
    ] as const;
    for (const [uid, codec] of expected) assert.equal(frameCodecFor(uid), codec, uid);
  });
});
