import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readDicomFile } from '../dicom/read-dicom-file.js';
import { Tag } from '../dicom/tag.js';
import { encodeDicomFile } from '../dicom/write-dicom-file.js';
import { MedVeilError } from '../errors.js';
import { frameCodecFor } from './frame-codecs.js';
import { readFrames } from './read-frames.js';
import { testGeometry, testImageFile, testSamples } from './testing-image-file.js';
import { transcodeFrames } from './transcode-frames.js';
import { writeFrames } from './write-frames.js';

async function samplesOf(bytes: Uint8Array): Promise<Uint8Array[]> {
  const { transferSyntaxUid, geometry, frames } = readFrames(readDicomFile(bytes));
  return Promise.all(frames.map(async (frame) => (await frameCodecFor(transferSyntaxUid).decode(frame, geometry)).samples));
}

describe('transcodeFrames()', () => {
  it('carries every sample through RLE, big endian, implicit VR and deflated, and back, without marking it lossy', async () => {
    const geometry = testGeometry({ rows: 19, columns: 23, samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 16, photometricInterpretation: 'RGB', planarConfiguration: 1 });
    const frames = [testSamples(geometry, 1), testSamples(geometry, 2)];
    const file = testImageFile(geometry, 2);
    writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry, frames });
    let bytes = encodeDicomFile(file);
    for (const uid of ['1.2.840.10008.1.2.5', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.1']) {
      const next = readDicomFile(bytes);
      await transcodeFrames(next, uid);
      bytes = encodeDicomFile(next);
      assert.equal(readDicomFile(bytes).transferSyntaxUid, uid);
      assert.deepEqual(await samplesOf(bytes), frames, uid);
      assert.equal(next.dataset.has(Tag.LossyImageCompression), false);
    }
  });

  it('refuses a target syntax without a codec before changing anything', async () => {
    const geometry = testGeometry();
    const file = testImageFile(geometry, 1);
    writeFrames(file, { transferSyntaxUid: '1.2.840.10008.1.2.1', geometry, frames: [testSamples(geometry, 1)] });
    await assert.rejects(transcodeFrames(file, '1.2.840.10008.1.2.4.100'), MedVeilError);
    assert.equal(file.transferSyntaxUid, '1.2.840.10008.1.2.1');
  });
});
