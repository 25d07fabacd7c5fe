/**
 * Our encoders' output read by peers: a three-frame image written with each lossless codec we
 * can write, put into a file with writeFrames, then decoded by dcmtk (JPEG-LS) or GDCM (JPEG
 * 2000) to exactly the samples we started from; and read back by us through readFrames.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDicomFile } from '../src/dicom/read-dicom-file.js';
import { encodeDicomFile } from '../src/dicom/write-dicom-file.js';
import { frameCodecFor } from '../src/pixels/frame-codecs.js';
import { readFrames } from '../src/pixels/read-frames.js';
import { writeFrames } from '../src/pixels/write-frames.js';
import { convertWithPeer, pydicomSamplePath } from './support/pixel-sample-files.js';

/** MR_small's frame, its negative and a shifted copy: three different 16-bit signed frames. */
function threeFrames(samples: Uint8Array): Uint8Array[] {
  const view = (bytes: Uint8Array) => new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  const negative = new Uint8Array(samples.length);
  const shifted = new Uint8Array(samples.length);
  view(negative).set(view(samples).map((v) => -v));
  view(shifted).set(view(samples).map((v) => v - 1000));
  return [samples, negative, shifted];
}

const PEERS: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['1.2.840.10008.1.2.4.80', 'dcmdjpls', []],
  ['1.2.840.10008.1.2.4.81', 'dcmdjpls', []],
  ['1.2.840.10008.1.2.4.90', 'gdcmconv', ['--raw']],
  ['1.2.840.10008.1.2.4.91', 'gdcmconv', ['--raw']],
];

describe('compressed multi-frame images we write, decoded by peers', () => {
  for (const [syntax, peer, args] of PEERS) {
    it(`${syntax}: three frames written by us decode with ${peer} to exactly our samples`, async () => {
      const file = readDicomFile(readFileSync(pydicomSamplePath('MR_small.dcm')));
      const source = readFrames(file);
      const frames = threeFrames(new Uint8Array(source.frames[0]!));
      const codec = frameCodecFor(syntax);
      const written = await Promise.all(frames.map((samples) => codec.encode({ geometry: source.geometry, samples }, syntax)));
      writeFrames(file, { transferSyntaxUid: syntax, geometry: written[0]!.geometry, frames: written.map((w) => w.encoded) }, { lossy: !codec.lossless });
      const dir = mkdtempSync(join(tmpdir(), 'medveil-codec-peer-'));
      try {
        const path = join(dir, 'written.dcm');
        writeFileSync(path, encodeDicomFile(file));
        const decoded = convertWithPeer(peer, args, path);
        assert.deepEqual(new Uint8Array(decoded.native!), new Uint8Array(Buffer.concat(frames)));
        const ours = readFrames(readDicomFile(readFileSync(path)));
        assert.equal(ours.frames.length, 3);
        for (const [i, frame] of ours.frames.entries()) {
          assert.deepEqual((await codec.decode(frame, ours.geometry)).samples, frames[i]);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
